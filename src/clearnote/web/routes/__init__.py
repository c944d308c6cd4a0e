"""Routes: thin shells that parse, call one service and render."""
