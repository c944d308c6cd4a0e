"""Drafting backends behind one small interface: extractive (no model), llama-cpp, openai."""
