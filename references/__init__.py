"""The starter reference library shipped with the app, installed with the wheel as package data.

Read-only: core.app.paths.starter_library_dir() finds it. The user's own references live in the user data
folder (core.app.paths.default_library_dir()), never here.
"""
