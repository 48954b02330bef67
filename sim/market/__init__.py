"""A service scheme's quasi-market, one module a stage; `market.py` says the stage order."""

from sim.market.market import Market

__all__ = ["Market"]
