"""Encours: credit management and collections."""
