"""Files the app ships (the window icon), installed with the wheel as package data.

Read them with core.app.paths.packaged_asset(name), never by a path relative to the code: importlib.resources
finds them in a checkout and in site-packages alike.
"""
