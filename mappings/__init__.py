"""The SPARQL CONSTRUCT mapping rules and the JSON-LD context, as package data.

This file makes the folder a regular package when it is installed as ``unld._mappings``,
so that ``importlib.resources.files()`` gives a file-system path.
"""
