"""One entry point: FrameAnalyzer.analyze(image, timestamp) -> FrameSignals, one frame's work.

The analyzer borrows a model set from its pool (pool.py) for each frame, so N worker threads can analyse
at once; which detectors a configuration has is detectors.py's; a stream of frames is stream.py's.
"""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor, wait

import cv2
import numpy as np

from interview_integrity.vision.arrays import Array
from interview_integrity.vision.decode import decode_image
from interview_integrity.vision.detectors import thresholds
from interview_integrity.vision.faces import DetectedFace
from interview_integrity.vision.gaze import estimate_gaze
from interview_integrity.vision.landmarks import FaceLandmarker, FaceMesh
from interview_integrity.vision.mouth import mouth_measures
from interview_integrity.vision.objects import ObjectDetector, fuse
from interview_integrity.vision.phone.candidates import PHONE_LABEL
from interview_integrity.vision.pool import ModelPool, ModelSet
from interview_integrity.vision.pose import head_pose
from interview_integrity.vision.quality import frame_quality
from interview_integrity.vision.schedule import Detect, StreamSchedule, advance, identity_due, phase_of, plan
from interview_integrity.vision.settings import VisionSettings
from interview_integrity.vision.signals import (
    DetectedObject,
    FaceIdentity,
    Faces,
    FaceTrack,
    FrameSignals,
    FrameSignature,
    Gaze,
    HeadPose,
    Mouth,
    Quality,
    TrackedFace,
)
from interview_integrity.vision.signature import dhash, largest_change, motion_thumbnail
from interview_integrity.vision.tracking import faces_known, faces_to_follow, scene_change, thumbnail

# Dark frames are brightened before face detection only: presence can still be judged, gaze cannot.
_BRIGHTEN_GAMMA = 0.4


def _brighten(rgb: Array) -> Array:
    lab = cv2.cvtColor(rgb, cv2.COLOR_RGB2LAB)
    curve = np.clip(255 * (np.arange(256) / 255.0) ** _BRIGHTEN_GAMMA, 0, 255).astype(np.uint8)
    lab[..., 0] = cv2.createCLAHE(clipLimit=2.0, tileGridSize=(8, 8)).apply(cv2.LUT(lab[..., 0], curve))
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def _scaled_track(face: TrackedFace, factor: float) -> TrackedFace:
    return face.model_copy(update={"box": face.box.scaled(factor)})


class FrameAnalyzer:
    def __init__(self, settings: VisionSettings | None = None, workers: int = 1) -> None:
        self.settings = settings or VisionSettings()
        self._thresholds = thresholds(self.settings)
        self.pool = ModelPool(self.settings, workers)
        self._one_class = frozenset(d.name for d in self.pool.sets[0].objects if d.one_class)
        # one helper thread per model set: a frame's object detectors run beside its face models
        self._beside: ThreadPoolExecutor | None = None
        if self.settings.parallel_objects:
            self._beside = ThreadPoolExecutor(len(self.pool.sets), thread_name_prefix="objects")

    @property
    def detector_names(self) -> list[str]:
        return [d.name for d in self.pool.sets[0].objects]

    @property
    def identity_available(self) -> bool:
        return self.pool.sets[0].embedder is not None

    def close(self) -> None:
        if self._beside is not None:
            self._beside.shutdown()
        self.pool.close()

    def warm_up(self) -> None:
        """Run every model set once so the first real frame does not pay for lazy initialisation."""
        frame = np.full((480, 640, 3), 127, np.uint8)
        cv2.circle(frame, (320, 240), 90, (200, 180, 160), -1)
        for _ in self.pool.sets:
            self.analyze(frame, 0.0)

    def analyze_bytes(self, data: bytes | str, timestamp: float) -> FrameSignals:
        return self.analyze(self.decode(data), timestamp)

    def decode(self, data: bytes | str) -> Array:
        return decode_image(data, max_bytes=self.settings.max_image_bytes, max_side=self.settings.max_image_side)

    def _scheduled(self, detectors: list[ObjectDetector], detect: Detect) -> list[ObjectDetector]:
        """`all` runs every detector; `light` leaves out the costly ones (YOLO, three times SSDLite's cost),
        unless they are all there is."""
        if detect == "none":
            return []
        light = [d for d in detectors if not d.heavy]
        return detectors if detect == "all" or not light else light

    def _split(self, scheduled: list[ObjectDetector]) -> tuple[list[ObjectDetector], list[ObjectDetector]]:
        """(run here after the face models, run beside them): the costliest detector goes beside, so the
        two halves of a frame take about as long as each other."""
        if self._beside is None or not scheduled:
            return scheduled, []
        costliest = max(scheduled, key=lambda d: d.relative_cost)
        return [d for d in scheduled if d is not costliest], [costliest]

    def _faces(
        self,
        models: ModelSet,
        rgb: Array,
        gray: Array,
        to_follow: list[TrackedFace],
        known: list[TrackedFace],
        dark: bool,
        timings: dict[str, float],
    ) -> tuple[list[DetectedFace], bool, Quality, HeadPose | None, Gaze, Mouth]:
        """(faces, whether they were followed, quality, the primary face's head pose, gaze and lips). A search
        keeps the `known` faces (the stream's last ones) that the landmark model still sees."""
        tick = time.perf_counter()
        detected = models.faces.follow(rgb, to_follow) if to_follow else None
        followed = detected is not None
        if detected is None:
            detected = models.faces.detect(_brighten(rgb), []) if dark else models.faces.detect(rgb, known)
        timings["faces"] = (time.perf_counter() - tick) * 1000
        primary = detected[0] if detected else None
        quality = frame_quality(gray, primary.face.box if primary else None, self.settings)
        if primary is None:
            unknown = Gaze(direction="unknown", confidence=0.0, reason="no face")
            return detected, followed, quality, None, unknown, mouth_measures(None, None, quality)
        tick = time.perf_counter()
        mesh = self._mesh(models.landmarker, rgb, primary, confirmed_on_rgb=not dark)
        pose = head_pose(mesh.points, rgb.shape[1], rgb.shape[0])
        timings["mesh"] = (time.perf_counter() - tick) * 1000
        untrusted = "; ".join(quality.issues) or None
        gaze = estimate_gaze(mesh, pose, self.settings, untrusted)
        return detected, followed, quality, pose, gaze, mouth_measures(mesh, pose, quality)

    @staticmethod
    def _mesh(landmarker: FaceLandmarker, rgb: Array, primary: DetectedFace, *, confirmed_on_rgb: bool) -> FaceMesh:
        if primary.landmarks is not None and confirmed_on_rgb:
            return landmarker.mesh_from(rgb, primary.landmarks)  # the run that confirmed the face
        box = primary.face.box
        cx, cy = box.center
        return landmarker.mesh(rgb, cx, cy, max(box.width, box.height), primary.roll)

    def analyze(
        self,
        image: Array,
        timestamp: float,
        *,
        track: FaceTrack | None = None,
        schedule: StreamSchedule | None = None,
        detect: Detect | None = None,
        identity: bool = True,
    ) -> FrameSignals:
        """Signals of one BGR frame. A stream hands each frame its last frame's `signals.track` (to follow
        its faces, vision/tracking.py) and `signals.schedule` (which object detectors are due,
        vision/schedule.py); a frame without them is a still: searched, with every detector. `detect`
        overrides the schedule's choice; `identity` False computes no face embedding (a session whose policy
        switched the identity check off)."""
        started = time.perf_counter()
        timings: dict[str, float] = {}
        height, width = image.shape[:2]
        original, factor = image, 1.0
        if max(height, width) > self.settings.analysis_max_side:
            factor = max(height, width) / self.settings.analysis_max_side
            image = cv2.resize(image, (round(width / factor), round(height / factor)), interpolation=cv2.INTER_AREA)
        rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
        gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
        detect = detect or plan(schedule, timestamp, self.settings)
        detect_objects = detect != "none"
        small = thumbnail(gray)
        motion = motion_thumbnail(gray)
        dark = cv2.mean(gray)[0] < self.settings.dark_brightness
        # a dark frame is searched, on a brightened copy
        kept = faces_to_follow(track, timestamp, (width, height), small, self.settings, object_frame=detect_objects)
        to_follow = [] if dark else [_scaled_track(face, 1 / factor) for face in kept]
        known = faces_known(track, timestamp, (width, height), small, self.settings)
        known = [] if dark else [_scaled_track(face, 1 / factor) for face in known]

        with self.pool.borrow() as models:
            scheduled = self._scheduled(models.objects, detect)
            here, beside = self._split(scheduled)
            aside = self._beside.submit(_detect, beside, image) if self._beside is not None and beside else None
            try:
                detected, followed, quality, pose, gaze, mouth = self._faces(
                    models, rgb, gray, to_follow, known, dark, timings
                )
                wanted = identity and (
                    identity_due(schedule, timestamp, self.settings) or _cut_or_return(track, small, self.settings)
                )
                embedding = self._embed(models, rgb, detected, quality, pose, timings) if wanted else None
                per_detector, spent = _detect(here, image)
            finally:
                if aside is not None:
                    wait([aside])  # it uses this model set: it must be done before the set goes back to the pool
            if aside is not None:
                beside_found, beside_spent = aside.result()
                per_detector |= beside_found
                spent |= beside_spent
            timings |= spent
            objects = fuse(per_detector, self._thresholds, self._one_class) if detect_objects else []
            if detect_objects and models.second_look is not None:
                # only the phones the second look verifies are phones (vision/phone/second_look.py)
                tick = time.perf_counter()
                phones = models.second_look.phones(original, factor, objects)
                objects = [o for o in objects if o.label != PHONE_LABEL] + phones
                timings["second_look"] = (time.perf_counter() - tick) * 1000

        faces = [found.face for found in detected]
        if factor != 1.0:
            for face in faces:
                face.box = face.box.scaled(factor)
            for obj in objects:
                obj.box = obj.box.scaled(factor)
        phase = phase_of(timestamp) if schedule is None else 0.0  # a stream's first frame sets its phase
        timings["total"] = (time.perf_counter() - started) * 1000
        tracked = [TrackedFace(box=f.face.box, roll=f.roll, confidence=f.face.confidence) for f in detected]
        searched_at = track.searched_at if followed and track is not None else timestamp
        return FrameSignals(
            timestamp=timestamp,
            width=width,
            height=height,
            faces=Faces(count=len(faces), boxes=faces, primary_index=0 if faces else None, followed=followed),
            head_pose=pose,
            gaze=gaze,
            objects=objects,
            objects_analyzed=detect_objects,
            quality=quality,
            mouth=mouth,
            timings_ms={k: round(v, 2) for k, v in timings.items()},
            track=FaceTrack(
                timestamp=timestamp,
                searched_at=searched_at,
                width=width,
                height=height,
                faces=tracked,
                thumbnail=small,
                motion=motion,
            ),
            schedule=advance(schedule, timestamp, detect, embedded=embedding is not None, phase=phase),
            identity=embedding,
            signature=FrameSignature(dhash=dhash(gray), change=largest_change(track.motion if track else None, motion)),
        )

    def _embed(
        self,
        models: ModelSet,
        rgb: Array,
        detected: list[DetectedFace],
        quality: Quality,
        pose: HeadPose | None,
        timings: dict[str, float],
    ) -> FaceIdentity | None:
        """The primary face's embedding, when the face is big and clear enough to say who it is."""
        if models.embedder is None or not detected or pose is None or not quality.usable:
            return None
        box = detected[0].face.box
        if min(box.width, box.height) < self.settings.identity_min_face_px:
            return None
        tick = time.perf_counter()
        vector = models.embedder.embed(rgb, box)
        timings["identity"] = (time.perf_counter() - tick) * 1000
        return FaceIdentity(vector=[round(float(v), 5) for v in vector], yaw=round(pose.yaw, 1), faces=len(detected))


def _cut_or_return(track: FaceTrack | None, small: list[int], settings: VisionSettings) -> bool:
    """A face that comes back after a frame without one, or a scene cut: who it is is checked at once."""
    if track is None:
        return False
    return not track.faces or scene_change(track.thumbnail, small) > settings.follow_max_scene_change


_Detections = tuple[dict[str, list[DetectedObject]], dict[str, float]]


def _detect(detectors: list[ObjectDetector], image: Array) -> _Detections:
    """Each detector's candidates, and its time in ms."""
    found, timings = {}, {}
    for detector in detectors:
        tick = time.perf_counter()
        found[detector.name] = detector.detect(image)
        timings[detector.name] = (time.perf_counter() - tick) * 1000
    return found, timings
