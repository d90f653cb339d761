"""The unld ontology, shapes, vocabularies and registry of bodies, as package data.

This file makes the folder a regular package when it is installed as ``unld._ontology``,
so that ``importlib.resources.files()`` gives a file-system path.
"""
