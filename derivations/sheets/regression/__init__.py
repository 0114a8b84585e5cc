"""The homework ``regression`` (linear and logistic regression): its key, its questions and a class of samples.

This directory is a package only so that its files ship as package data beside it; it has no code.
"""
