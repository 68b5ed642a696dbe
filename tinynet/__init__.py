"""tinynet: neural networks a student can read, run and trust."""
__version__ = "0.1.0"
