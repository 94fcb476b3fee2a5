"""Test clips for the voice rules, assembled with ffmpeg from a data folder's own videos (issue 31).

Chosen from the MANIFEST rows, never by name, so an unseen folder gets its own set:
- honest: every honest one-face video with sound, as it is: none may raise a voice event;
- talkers: those whose own sound is mostly speech (a talking head with its own voice);
- still faces: one honest face whose notes say nothing of talking, laughing, smiling or yawning, and whose
  own sound (if any) has no speech: a listener;
- `foreign`: a still face with a talker's speech laid over part of it, from a known onset (every other one
  12 dB quieter: a voice from across the room), over the face's own sound or silence;
- `quiet_room`: a still face without sound, given the loudest speech-free room sound of the folder, raised to
  -30 dBFS (a fan, a street).
Built into a temporary folder, never committed.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from interview_integrity.audio.listen import listen
from interview_integrity.audio.media import FileSound, file_sound
from interview_integrity.audio.resample import RATE
from interview_integrity.audio.signals import Listening
from interview_integrity.audio.speech import SpeechModel
from interview_integrity.audio.wav import Pcm
from interview_integrity.evaluation.images import VIDEO_SUFFIXES, read_manifest
from interview_integrity.evaluation.videos import is_honest

_MOVING_LIPS = ("talk", "laugh", "smil", "yawn", "grimace", "mouth", "speak", "chew")
_OVERLAY_S = 6.0
_QUIET_DBFS = -30.0


@dataclass(frozen=True)
class Source:
    path: Path
    seconds: float
    sound: FileSound | None
    speech_share: float  # steps the speech model calls speech, of the steps heard


@dataclass(frozen=True)
class SoundClip:
    name: str
    path: Path
    kind: str  # foreign | talker | still | honest | quiet_room
    onset: float | None  # foreign: when the other voice's speech starts, on the clip's clock


def _speech_share(model: SpeechModel, sound: FileSound | None) -> float:
    if sound is None or sound.seconds < 0.5:
        return 0.0
    steps = listen(model, Listening(), Pcm(sound.samples[: int(60 * RATE)], RATE, 1), 0.0).steps
    heard = [s for s in steps if s.heard_s > 0]
    return sum(s.speech_s / s.heard_s >= 0.5 for s in heard) / len(heard) if heard else 0.0


def sources(folders: list[Path], model: SpeechModel) -> tuple[list[Source], list[Source], list[Source]]:
    """(talkers, still faces, the other honest videos with sound) of the folders' honest one-face videos."""
    from interview_integrity.vision.video import video_info

    talkers, still, other = [], [], []
    for folder in folders:
        if not (folder / "MANIFEST.tsv").exists():
            continue
        for row in read_manifest(folder):
            path = folder / row["file"]
            if path.suffix.lower() not in VIDEO_SUFFIXES or row.get("faces") != "1" or not is_honest(row):
                continue
            sound = file_sound(path)
            source = Source(path, video_info(path).duration_s, sound, _speech_share(model, sound))
            notes = row.get("notes", "").lower()
            if source.speech_share >= 0.5:
                talkers.append(source)
            elif source.speech_share < 0.05 and source.seconds >= 8 and not any(w in notes for w in _MOVING_LIPS):
                still.append(source)
            elif sound is not None:
                other.append(source)
    return talkers, still, other


def speech_start(sound: FileSound) -> float:
    """The first 20 ms of the clean source within 20 dB of its loud speech: where the voice begins."""
    frame = RATE // 50
    count = len(sound.samples) // frame
    rms = np.sqrt(np.mean(sound.samples[: count * frame].reshape(count, frame) ** 2, axis=1) + 1e-12)
    level = 20 * np.log10(rms)
    loud = np.percentile(level, 95)
    return float(np.argmax(level > loud - 20) * frame / RATE)


def _ffmpeg(arguments: list[str], target: Path) -> Path:
    if shutil.which("ffmpeg") is None:
        raise RuntimeError("ffmpeg is needed to assemble the test clips (Debian: apt install ffmpeg)")
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", *arguments, str(target)], check=True, timeout=300)
    return target


def _base(face: Source) -> tuple[list[str], str]:
    """(extra inputs, the filter label of the face's own sound, or of silence as long as the clip)."""
    if face.sound is not None:
        return [], "[0:a]aresample=48000,aformat=channel_layouts=mono[base]"
    silence = ["-f", "lavfi", "-t", f"{face.seconds:.3f}", "-i", "anullsrc=r=48000:cl=mono"]
    return silence, "[2:a]aresample=48000[base]"


def foreign(face: Source, voice: Source, out: Path, quieter: bool) -> SoundClip:
    assert voice.sound is not None
    begin = max(0.0, speech_start(voice.sound) - 0.1)
    lead = speech_start(voice.sound) - begin
    at = round(min(3.0, face.seconds / 4), 2)
    length = min(_OVERLAY_S, face.seconds - at - 1.0, voice.seconds - begin)
    gain = -12.0 if quieter else 0.0
    extra, base = _base(face)
    graph = (
        f"{base};[1:a]atrim={begin:.3f}:{begin + length:.3f},asetpts=PTS-STARTPTS,aresample=48000,"
        f"aformat=channel_layouts=mono,volume={gain}dB,adelay={int(at * 1000)}:all=1[voice];"
        "[base][voice]amix=inputs=2:duration=first:normalize=0[a]"
    )
    name = f"foreign_{face.path.stem}_{voice.path.stem}{'_quiet' if quieter else ''}"
    arguments = ["-i", str(face.path), "-i", str(voice.path), *extra, "-filter_complex", graph]
    path = _ffmpeg([*arguments, "-map", "0:v", "-map", "[a]", "-c:v", "copy", "-c:a", "aac"], out / f"{name}.mp4")
    return SoundClip(name, path, "foreign", round(at + lead, 3))


def quiet_room(face: Source, room: Source, out: Path) -> SoundClip:
    assert room.sound is not None
    level = 20 * np.log10(float(np.sqrt(np.mean(room.sound.samples**2))) + 1e-9)
    gain = min(40.0, _QUIET_DBFS - level)
    graph = f"[1:a]aresample=48000,aformat=channel_layouts=mono,volume={gain:.1f}dB[a]"
    name = f"quiet_room_{face.path.stem}"
    arguments = ["-i", str(face.path), "-stream_loop", "-1", "-i", str(room.path), "-filter_complex", graph]
    path = _ffmpeg(
        [*arguments, "-map", "0:v", "-map", "[a]", "-t", f"{face.seconds:.3f}", "-c:v", "copy", "-c:a", "aac"],
        out / f"{name}.mp4",
    )
    return SoundClip(name, path, "quiet_room", None)


def assemble(folders: list[Path], out: Path, model: SpeechModel) -> list[SoundClip]:
    """The foreign clips and a quiet room from the folders, beside the talkers and still faces as they are."""
    out.mkdir(parents=True, exist_ok=True)
    talkers, still, other = sources(folders, model)
    clips = [SoundClip(t.path.stem, t.path, "talker", None) for t in talkers]
    clips += [SoundClip(s.path.stem, s.path, "still", None) for s in still if s.sound is not None]
    clips += [SoundClip(s.path.stem, s.path, "honest", None) for s in other]
    if talkers:
        for index, face in enumerate(still):
            clips.append(foreign(face, talkers[index % len(talkers)], out, quieter=index % 2 == 1))
    rooms = [s for s in still if s.sound is not None]
    silent = [s for s in still if s.sound is None]
    if rooms and silent:
        loudest = max(rooms, key=lambda s: float(np.mean(s.sound.samples**2)) if s.sound is not None else 0.0)
        clips.append(quiet_room(silent[0], loudest, out))
    return clips
