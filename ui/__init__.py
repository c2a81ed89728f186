"""The PySide6 desktop app: thin widgets and workers around core/."""
