"""``thumbkit preview``: a local page that shows a layout or kit file rendered for sample titles and
renders again each time the file is saved (watched with watchfiles, pushed with server-sent events)."""

from .session import PREVIEW_TITLES, PreviewImage, PreviewResult, PreviewTarget, Previewer

__all__ = ["PREVIEW_TITLES", "PreviewImage", "PreviewResult", "PreviewTarget", "Previewer"]
