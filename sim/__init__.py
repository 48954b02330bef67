"""reformsim: an agent-based simulation of labour-market reforms (see README.md)."""

__version__ = "0.1.0"
