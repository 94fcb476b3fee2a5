"""The one place the stages are wired: frame bytes -> vision -> analysis -> scoring -> session store, and
sound -> audio -> analysis beside them.

Knows nothing of HTTP. `Pipeline` holds the three parts the API calls: `frames` (frames.py: a frame's path
through the models and its session's rules, in time order), `sound` (sound.py: a chunk of audio's path, the
same way) and `sessions` (sessions.py: a session's life outside its frames). They share one bounded pool of
CPU workers (workers.py), one way to the store (access.py) and the session's webhooks.
"""

from __future__ import annotations

from interview_integrity.config import Settings
from interview_integrity.metrics import Metrics
from interview_integrity.service.access import SessionAccess
from interview_integrity.service.frames import FramePath
from interview_integrity.service.sessions import Sessions
from interview_integrity.service.sound import SoundPath
from interview_integrity.service.webhooks import SessionWebhooks, Webhooks
from interview_integrity.service.workers import Frame, Workers
from interview_integrity.stores.base import SessionStore
from interview_integrity.vision.analyzer import FrameAnalyzer

__all__ = ["Frame", "Pipeline"]


class Pipeline:
    def __init__(
        self,
        settings: Settings,
        analyzer: FrameAnalyzer,
        store: SessionStore,
        metrics: Metrics,
        webhooks: Webhooks | None = None,
    ) -> None:
        self.settings = settings
        self.analyzer = analyzer
        self.store = store
        self.workers = Workers(settings, analyzer)
        access = SessionAccess(store)
        notifier = SessionWebhooks(webhooks or Webhooks("", ""), access)
        self.frames = FramePath(settings, self.workers, access, notifier, metrics)
        self.sessions = Sessions(settings, self.workers, access, notifier, metrics)
        self.sound = SoundPath(settings, self.workers, access, metrics)
        self.warm = False

    async def warm_up(self) -> None:
        await self.workers.warm_up()
        self.warm = True

    def close(self) -> None:
        """Stops the frame workers; the analyzer belongs to whoever made it (it may outlive the pipeline)."""
        self.workers.close()

    @property
    def has_capacity(self) -> bool:
        return self.workers.has_capacity
