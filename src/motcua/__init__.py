"""Một Cửa: the provincial one-stop public service platform."""

__version__ = "0.1.0"
