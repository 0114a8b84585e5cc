"""The homework ``ml-theory``: its key, its questions, the seed sheet (an OCR, kept byte for byte) and samples.

This directory is a package only so that its files ship as package data beside it; it has no code.
"""
