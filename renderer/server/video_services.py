"""What video jobs and routes share in one server process: uploads, the video index, the image store.

Built on first use and kept for the life of the process, one per database file: job runners get
only the ``JobContext`` (settings and the render service, whose store is the image store), routes
get the app's services; both ask ``video_services`` and get the same object. Its own ``Database``
(thread-local connections to the jobs' file) applies the video tables on open.
"""

from __future__ import annotations

import threading
from pathlib import Path

from msgspec import Struct

from .database import Database
from .settings import ServerSettings
from .store import ImageStore
from .uploads import UploadStore
from .video_index import VideoIndex


class VideoServices(Struct, frozen=True):
    settings: ServerSettings
    database: Database
    images: ImageStore
    uploads: UploadStore
    index: VideoIndex


_OPEN: dict[Path, VideoServices] = {}
_LOCK = threading.Lock()


def video_services(settings: ServerSettings, images: ImageStore) -> VideoServices:
    with _LOCK:
        found = _OPEN.get(settings.database_path)
        if found is None or found.images is not images:  # first use, or a new app in this process
            if found is not None:
                found.database.close()
            database = Database(settings.database_path)
            found = VideoServices(settings, database, images, UploadStore(settings.videos_dir), VideoIndex(database))
            _OPEN[settings.database_path] = found
        return found
