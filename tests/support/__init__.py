"""Builders and tree walkers shared by test modules (test modules never import each other)."""
