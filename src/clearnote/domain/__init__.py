"""The pure domain core: value objects and rules. Imports no I/O library."""
