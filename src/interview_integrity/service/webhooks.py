"""Webhooks: the service tells an integration when a session ends and when a session raises its first
high-severity event. Off unless `WEBHOOK_URL` is set.

Each delivery is a JSON POST with headers `X-Interview-Integrity-Event` (`session.ended`, `event.high`),
`X-Interview-Integrity-Delivery` (its id, the same on every retry) and `X-Interview-Integrity-Signature`:
`t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" under WEBHOOK_SECRET>` (reject a stale `t` to stop
replays). An answer other than 2xx, or none within `WEBHOOK_TIMEOUT_S`, is retried after 1, 2, 4, 8 and 16 s
(`WEBHOOK_ATTEMPTS` in all). Every attempt is written to the session's delivery log
(`GET /sessions/{id}/webhooks`). Deliveries in progress live in the process that sends them: a process that
dies mid-retry drops its remaining retries (the log shows the last attempt).
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import hmac
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Annotated, Literal

import httpx
from pydantic import BaseModel, Field, TypeAdapter

from interview_integrity.errors import NotFound
from interview_integrity.service.access import SessionAccess
from interview_integrity.service.results import HighEventRaised, SessionEnded
from interview_integrity.stores.base import Delivery, SessionRecord, StoreUnavailableError

log = logging.getLogger("interview_integrity.service.webhooks")
Record = Callable[[Delivery], Awaitable[None]]
WebhookEvent = Literal["session.ended", "event.high"]
DELIVERIES_KEPT = 50  # per session, newest last


class SessionEndedDelivery(BaseModel):
    """What the `session.ended` webhook POSTs."""

    event: Literal["session.ended"]
    delivery: str = Field(description="The delivery's id, the same on every retry of it.")
    data: SessionEnded


class HighEventDelivery(BaseModel):
    """What the `event.high` webhook POSTs: once a session, at its first high-severity event."""

    event: Literal["event.high"]
    delivery: str = Field(description="The delivery's id, the same on every retry of it.")
    data: HighEventRaised


WebhookBody = Annotated[SessionEndedDelivery | HighEventDelivery, Field(discriminator="event")]


def signed_headers(secret: str, event: str, delivery_id: str, body: bytes, now: float) -> dict[str, str]:
    stamp = str(int(now))
    mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Interview-Integrity-Event": event,
        "X-Interview-Integrity-Delivery": delivery_id,
        "X-Interview-Integrity-Signature": f"t={stamp},v1={mac}",
    }


_BODY: TypeAdapter[SessionEndedDelivery | HighEventDelivery] = TypeAdapter(WebhookBody)


class Webhooks:
    def __init__(
        self,
        url: str,
        secret: str,
        *,
        timeout_s: float = 5.0,
        attempts: int = 6,
        first_delay_s: float = 1.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.url = url
        self._secret = secret
        self._attempts = attempts
        self._first_delay_s = first_delay_s
        self._client = httpx.AsyncClient(timeout=timeout_s, transport=transport, follow_redirects=False)
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def enabled(self) -> bool:
        return bool(self.url)

    def send(self, event: WebhookEvent, payload: SessionEnded | HighEventRaised, record: Record) -> Delivery | None:
        """Start delivering in the background; `record` is called after every attempt."""
        if not self.enabled:
            return None
        delivery = Delivery(id=secrets.token_hex(8), event=event, url=self.url)
        body = _BODY.validate_python({"event": event, "delivery": delivery.id, "data": payload}).model_dump_json()
        task = asyncio.create_task(self._deliver(delivery, body.encode(), record))
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return delivery

    async def _deliver(self, delivery: Delivery, body: bytes, record: Record) -> None:
        delay = self._first_delay_s
        for attempt in range(1, self._attempts + 1):
            now = time.time()
            delivery.attempts, delivery.last_attempt_at = attempt, now
            try:
                headers = signed_headers(self._secret, delivery.event, delivery.id, body, now)
                response = await self._client.post(self.url, content=body, headers=headers)
                delivery.status, delivery.error = response.status_code, None
                delivery.delivered = 200 <= response.status_code < 300
            except httpx.HTTPError as error:
                delivery.status, delivery.error = None, type(error).__name__
            try:
                await record(delivery.model_copy())
            except Exception:
                log.exception("a webhook delivery could not be logged")
            if delivery.delivered:
                return
            if attempt < self._attempts:
                await asyncio.sleep(delay)
                delay *= 2
        log.warning("a webhook was not delivered", extra={"fields": {"event": delivery.event, "id": delivery.id}})

    async def drain(self, timeout_s: float = 5.0) -> None:
        """Wait a little for deliveries under way (at shutdown), then give up on them."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout_s)
        for task in list(self._tasks):
            task.cancel()
        await self._client.aclose()


class SessionWebhooks:
    """Webhooks about one session, each delivery's attempts written to the session's log."""

    def __init__(self, webhooks: Webhooks, access: SessionAccess) -> None:
        self.webhooks = webhooks
        self._access = access

    def notify(self, session_id: str, event: WebhookEvent, payload: SessionEnded | HighEventRaised) -> None:
        async def record(delivery: Delivery) -> None:
            def keep(record: SessionRecord) -> None:
                others = (d for d in record.webhooks if d.id != delivery.id)
                record.webhooks = [*others, delivery][-DELIVERIES_KEPT:]

            with contextlib.suppress(NotFound, StoreUnavailableError):
                await self._access.update(session_id, keep)

        self.webhooks.send(event, payload, record)
