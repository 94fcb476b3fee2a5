"""Following faces between the detection frames of a stream (vision/tracking.py), on real frames."""

from __future__ import annotations

import itertools

import cv2
import pytest

from interview_integrity.config import VisionSettings
from interview_integrity.evaluation import read_manifest
from interview_integrity.vision.analyzer import FrameAnalyzer
from interview_integrity.vision.faces import FaceDetector, landmark_box
from interview_integrity.vision.landmarks import FaceLandmarker
from interview_integrity.vision.signals import Box, FaceTrack
from interview_integrity.vision.tracking import scene_change, thumbnail
from interview_integrity.vision.video import sample_frames
from tests.conftest import DATA, load


def _stream(analyzer: FrameAnalyzer, name: str, fps: float = 5.0, seconds: float = 8.0) -> list[tuple[float, ...]]:
    """(time, followed, face count, gaze) of each frame of a stream, and of the same frame searched from scratch."""
    rows = []
    track, schedule = None, None
    for timestamp, frame in sample_frames(DATA / name, fps):
        if timestamp > seconds:
            break
        streamed = analyzer.analyze(frame, timestamp, track=track, schedule=schedule)
        track, schedule = streamed.track, streamed.schedule
        searched = analyzer.analyze(frame, timestamp, detect="none")
        rows.append((
            timestamp, streamed.faces.followed, streamed.faces.count, searched.faces.count,
            streamed.gaze.direction, searched.gaze.direction,
        ))  # fmt: skip
    return rows


@pytest.mark.parametrize(("name", "fps"), [("vid_webcam_normal.mp4", 5.0), ("vid_gaze_eyes_left.mp4", 2.0)])
def test_a_webcam_stream_follows_the_face_and_searches_every_second(
    analyzer: FrameAnalyzer, name: str, fps: float
) -> None:
    rows = _stream(analyzer, name, fps)
    searched_at = [row[0] for row in rows if not row[1]]
    # a search falls due every second and waits at most one frame for a frame without object detection
    assert max(b - a for a, b in itertools.pairwise(searched_at)) <= analyzer.settings.face_search_every_s + 2 / fps
    followed = [row for row in rows if row[1]]
    assert len(followed) >= 0.45 * len(rows)
    assert all(row[2] == row[3] == 1 for row in followed)
    same_gaze = sum(row[4] == row[5] for row in followed)
    assert same_gaze >= 0.85 * len(followed)


def test_far_faces_are_followed_where_the_short_range_detector_misses_them(analyzer: FrameAnalyzer) -> None:
    # two students far from an elevated camera: the detectors lose them now and then (a search from scratch
    # found no face at 1.0 s); the stream follows them, and its own searches keep the faces it had
    rows = _stream(analyzer, "vid_exam_hall_phone_on_desk.mp4", seconds=6.0)
    followed = [row for row in rows if row[1]]
    assert len(followed) >= 10
    assert all(row[2] >= 1 for row in rows)
    assert all(b[2] >= a[2] for a, b in itertools.pairwise(rows)), [row[:4] for row in rows]
    assert [row[2] for row in rows if row[0] >= 3.4] == [2] * len([row for row in rows if row[0] >= 3.4])


def test_a_new_close_face_is_found_on_a_followed_frame(analyzer: FrameAnalyzer) -> None:
    image = load("second_person_behind_webcam.png")
    still = analyzer.analyze(image, 0.0)
    assert still.faces.count == 2 and still.track is not None
    for index in range(2):  # following either face alone, the short-range detector finds the other
        track = still.track.model_copy(update={"faces": [still.track.faces[index]]})
        followed = analyzer.analyze(image, 0.2, detect="none", track=track)
        assert followed.faces.followed
        assert followed.faces.count == 2


def test_a_face_no_longer_where_it_was_makes_the_frame_searched(analyzer: FrameAnalyzer) -> None:
    image = load("face1_grace_hopper.jpg")
    still = analyzer.analyze(image, 0.0)
    assert still.track is not None
    elsewhere = still.track.faces[0].model_copy(update={"box": Box(x=5, y=5, width=60, height=60)})
    track = still.track.model_copy(update={"faces": [elsewhere]})
    result = analyzer.analyze(image, 0.2, detect="none", track=track)
    assert not result.faces.followed
    assert result.faces.count == 1
    assert result.faces.boxes[0].box.iou(still.faces.boxes[0].box) > 0.9


def _track_of(analyzer: FrameAnalyzer, name: str, timestamp: float) -> tuple[FaceTrack, cv2.typing.MatLike]:
    image = load(name)
    track = analyzer.analyze(image, timestamp).track
    assert track is not None and track.faces
    return track, image


def test_following_needs_a_continuous_stream(analyzer: FrameAnalyzer) -> None:
    track, image = _track_of(analyzer, "face1_grace_hopper.jpg", 10.0)
    assert analyzer.analyze(image, 10.2, detect="none", track=track).faces.followed
    object_frame = analyzer.analyze(image, 10.2, detect="light", track=track)
    assert object_frame.objects_analyzed and object_frame.faces.followed
    # too long after, or before (a frame that lost a race): searched
    assert not analyzer.analyze(image, 11.5, detect="none", track=track).faces.followed
    assert not analyzer.analyze(image, 9.8, detect="none", track=track).faces.followed
    # another frame size, or more faces than following saves work on: searched
    smaller = cv2.resize(image, (image.shape[1] // 2, image.shape[0] // 2))
    assert not analyzer.analyze(smaller, 10.2, detect="none", track=track).faces.followed
    crowd, crowd_image = _track_of(analyzer, "faces3_office_books.jpg", 10.0)
    assert len(crowd.faces) == 3
    assert not analyzer.analyze(crowd_image, 10.2, detect="none", track=crowd).faces.followed
    # a cut to another picture of the same size: searched, and its faces counted right
    other = cv2.resize(load("faces2_portraits.jpg"), (image.shape[1], image.shape[0]))
    result = analyzer.analyze(other, 10.2, detect="none", track=track)
    assert not result.faces.followed and result.faces.count == 2
    # switched off
    off = FrameAnalyzer(VisionSettings(follow_faces=False, detectors=[]))
    try:
        assert not off.analyze(image, 10.2, detect="none", track=track).faces.followed
    finally:
        off.close()


def test_a_search_falls_due_every_second_and_skips_object_frames(analyzer: FrameAnalyzer) -> None:
    track, image = _track_of(analyzer, "face1_grace_hopper.jpg", 10.0)
    later = analyzer.analyze(image, 10.8, detect="none", track=track).track
    assert later is not None and later.searched_at == 10.0
    assert not analyzer.analyze(image, 11.05, detect="none", track=later).faces.followed  # due
    assert analyzer.analyze(image, 11.05, detect="light", track=later).faces.followed  # due, but an object frame
    # frames 0.5 s apart (2 fps) all have objects: the search cannot wait for a frame without them
    slow = analyzer.analyze(image, 10.55, detect="none", track=track).track
    assert not analyzer.analyze(image, 11.05, detect="light", track=slow).faces.followed


def test_a_followed_box_is_drawn_like_the_detectors_box() -> None:
    landmarker = FaceLandmarker()
    detector = FaceDetector(VisionSettings(), landmarker)
    for name in ("faces2_portraits.jpg", "second_person_behind_webcam.png", "faces3_office_books.jpg"):
        rgb = cv2.cvtColor(load(name), cv2.COLOR_BGR2RGB)
        for face in detector.detect(rgb):
            box = face.face.box
            run = landmarker.run(rgb, *box.center, max(box.width, box.height) * 1.5, face.roll)
            followed, roll = landmark_box(run)
            assert followed.iou(box) > 0.75, name
            assert abs(roll - face.roll) < 0.3


def test_thumbnails_tell_a_cut_from_motion() -> None:
    frames = [frame for _, frame in sample_frames(DATA / "vid_webcam_normal.mp4", 5.0)][:10]
    small = [thumbnail(cv2.cvtColor(f, cv2.COLOR_BGR2GRAY)) for f in frames]
    limit = VisionSettings().follow_max_scene_change
    assert max(scene_change(a, b) for a, b in itertools.pairwise(small)) < limit
    other = cv2.resize(load("face1_grace_hopper.jpg"), (frames[0].shape[1], frames[0].shape[0]))
    assert scene_change(small[0], thumbnail(cv2.cvtColor(other, cv2.COLOR_BGR2GRAY))) > 2 * limit


def test_following_reads_gaze_as_searching_does_in_every_skin_group(analyzer: FrameAnalyzer) -> None:
    fairness = DATA / "fairness"
    agree: dict[str, list[bool]] = {}
    for row in read_manifest(fairness):
        image = load(f"fairness/{row['file']}")
        searched = analyzer.analyze(image, 0.0)
        streamed = analyzer.analyze(image, 0.2, detect="none", track=searched.track)
        streamed = analyzer.analyze(image, 0.4, detect="none", track=streamed.track)  # a followed track too
        agree.setdefault(row["skin"], []).append(
            streamed.faces.followed and streamed.gaze.direction == searched.gaze.direction
        )
    assert set(agree) == {"light", "medium", "dark"}
    for group, same in agree.items():
        assert sum(same) >= len(same) - 1, group


def test_a_dark_frame_is_searched_on_a_brightened_copy_never_followed(analyzer: FrameAnalyzer) -> None:
    image = load("lowlight_desk_at_camera.jpg")  # mean luma 7: its face is found on a brightened copy
    still = analyzer.analyze(image, 0.0)
    assert still.quality.brightness < analyzer.settings.dark_brightness
    assert still.track is not None and len(still.track.faces) == 1
    assert not analyzer.analyze(image, 0.2, detect="none", track=still.track).faces.followed


def test_a_frame_after_one_without_a_face_is_searched(analyzer: FrameAnalyzer) -> None:
    track, image = _track_of(analyzer, "face1_grace_hopper.jpg", 10.0)
    empty = track.model_copy(update={"faces": []})
    result = analyzer.analyze(image, 10.2, detect="none", track=empty)
    assert not result.faces.followed and result.faces.count == 1
