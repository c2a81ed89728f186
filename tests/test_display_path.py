"""The frame's path to the screen: pose of the next frame overlapped with drawing this one (in order, every
frame), the view scaling a real frame once per size with the colours and mirror QPainter gave, and the
side panel's plot repainting only for new data."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

import numpy as np
import pytest
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage, QPainter

from core.app.practice_session import PracticeSession
from core.frame.mailbox import LatestSlot
from core.frame.sources import Frame
from core.library.references import make_reference
from core.view.live_pipeline import LivePipeline
from core.view.overlay import TRAIL_LENGTH
from ui.display_image import DisplayImage
from ui.pipeline_worker import PipelineWorker
from ui.score_plot import ScorePlot
from ui.video_view import BACKGROUND, VideoView, to_qimage

from .conftest import TESTDATA
from .fakes import ReplayEstimator, clip_images


@pytest.fixture(scope="module")
def squat_images():
    return clip_images(TESTDATA / "squat_front_air.mp4", limit=90)


def qimage_array(image: QImage) -> np.ndarray:
    """(H, W, 3) uint8 BGR of a QImage."""
    rgb = image.convertToFormat(QImage.Format.Format_RGB888)
    w, h = rgb.width(), rgb.height()
    arr = np.frombuffer(rgb.constBits(), np.uint8, count=rgb.bytesPerLine() * h).reshape(h, rgb.bytesPerLine())
    return np.ascontiguousarray(arr[:, : 3 * w].reshape(h, w, 3)[:, :, ::-1])


def qpainter_scaled(image: np.ndarray, size: QSize, mirrored: bool) -> np.ndarray:
    """What the view painted before: the full frame smooth-scaled (and mirrored) by QPainter in every paint."""
    out = QImage(size, QImage.Format.Format_RGB32)
    p = QPainter(out)
    p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
    r = QRect(0, 0, size.width(), size.height())
    if mirrored:
        p.translate(r.left() + r.right() + 1, 0)
        p.scale(-1, 1)
    p.drawImage(r, to_qimage(image))
    p.end()
    return qimage_array(out)


@pytest.mark.parametrize("mirrored", [False, True])
def test_the_view_image_matches_what_qpainter_scaling_showed(qapp, squat_images, mirrored):
    frame = squat_images[30]
    size = QSize(853, 480)  # 1280x720 shown in a typical window: not an integer factor
    shown = DisplayImage(frame, mirrored).at(size)
    assert shown.size() == size and shown.format() == QImage.Format.Format_RGB32
    new, old = qimage_array(shown).astype(int), qpainter_scaled(frame, size, mirrored).astype(int)
    assert np.abs(new - old).mean() < 3.0, "the picture changed, not only the way it is made"
    unmirrored = qimage_array(DisplayImage(frame).at(size))
    if mirrored:  # the person's left is on the right, pixel column for pixel column
        assert np.array_equal(qimage_array(shown), unmirrored[:, ::-1])


def test_the_frame_is_scaled_once_per_size_not_per_paint(qapp, squat_images):
    image = DisplayImage(squat_images[0])
    first = image.at(QSize(640, 360))
    assert image.at(QSize(640, 360)) is first
    assert image.at(QSize(320, 180)).size() == QSize(320, 180)


def test_the_view_paints_the_frame_centred_between_background_bars(qapp, squat_images):
    view = VideoView()
    view.resize(800, 800)
    view.message = ""
    frame = squat_images[30]
    view.set_image(frame)
    grabbed = qimage_array(view.grab().toImage())
    r = view.image_rect()
    assert (r.width(), r.height()) == (800, 450) and r.top() == 175
    bg = np.array([BACKGROUND.blue(), BACKGROUND.green(), BACKGROUND.red()])
    assert np.all(grabbed[: r.top()] == bg) and np.all(grabbed[r.bottom() + 1 :] == bg)
    expected = qpainter_scaled(frame, r.size(), False).astype(int)
    assert np.abs(grabbed[r.top() : r.bottom() + 1].astype(int) - expected).mean() < 3.0
    cached = view._image.at(r.size())
    view.grab()
    assert view._image.at(r.size()) is cached, "a repaint without a new frame must not scale again"


def test_overlapping_the_next_pose_with_drawing_gives_the_same_frames_and_clears_trails_per_source(
    pose_cache, squat_images
):
    seq = pose_cache.get("squat_front_air")
    reference = make_reference(seq.slice(60, 120), "squat", "front")

    def session() -> tuple[PracticeSession, ReplayEstimator]:
        est = ReplayEstimator(seq)
        s = PracticeSession(LivePipeline(est))
        s.choose_references([reference])
        return s, est

    frames = [Frame(k, k / 30, image, 1) for k, image in enumerate(squat_images)]
    serial, _ = session()
    serial.source_opened(serial.open_source("squat", False), 30.0)
    expected = [serial.process(Frame(f.index, f.t, f.image.copy(), f.generation)) for f in frames]

    overlapped, est = session()
    overlapped.source_opened(overlapped.open_source("squat", False), 30.0)
    views = []
    pending = overlapped.estimate(Frame(0, 0.0, frames[0].image.copy(), 1))
    for k, f in enumerate(frames):
        current = pending
        if k + 1 < len(frames):  # the next frame's pose before this frame's engine and drawing
            nxt = frames[k + 1]
            pending = overlapped.estimate(Frame(nxt.index, nxt.t, nxt.image.copy(), 1))
        assert current is not None
        views.append(overlapped.finish(Frame(f.index, f.t, f.image.copy(), 1), current))
    for a, b in zip(expected, views, strict=True):
        assert a is not None and b is not None and a.update is not None and b.update is not None
        assert (a.update.score, a.update.rep_count, a.update.ref_frame) == (b.update.score, b.update.rep_count,
                                                                             b.update.ref_frame)  # fmt: skip
        assert np.array_equal(a.image, b.image), "trails, pose and ghost drawn the same"

    # A new source: its first pose restarts tracking while the old source's last frame may still be drawn;
    # the trails are cleared when the new source's first frame is drawn, not before.
    generation = overlapped.open_source("again", False)
    overlapped.source_opened(generation, 30.0)
    first = overlapped.estimate(Frame(0, 0.0, frames[0].image.copy(), generation))
    assert first is not None and first.restarted and est.resets == 2
    assert len(overlapped.pipeline.trails.points) == TRAIL_LENGTH, "the old source's trails are still drawn"
    overlapped.finish(Frame(0, 0.0, frames[0].image.copy(), generation), first)
    assert len(overlapped.pipeline.trails.points) == 1


@dataclass(frozen=True)
class TimedEstimate:
    index: int
    note: str = ""  # what the worker reads of a core.view.live_pipeline.Estimate before finishing it


class TimedSession:
    """Stands in for the practice session in the worker: a pose step that takes a while (GIL released, as
    mediapipe's), a finish step that records the order; stops the worker after `total` frames."""

    def __init__(self, total: int) -> None:
        self.total = total
        self.finished: list[int] = []
        self.spans: dict[str, list[tuple[float, float]]] = {"estimate": [], "finish": []}
        self.worker: PipelineWorker | None = None

    def estimate(self, frame: Frame) -> TimedEstimate:
        start = time.perf_counter()
        time.sleep(0.01)
        self.spans["estimate"].append((start, time.perf_counter()))
        return TimedEstimate(frame.index)

    def finish(self, frame: Frame, est: TimedEstimate, draw: bool = True):
        start = time.perf_counter()
        assert est.index == frame.index
        time.sleep(0.005)
        self.finished.append(frame.index)
        self.spans["finish"].append((start, time.perf_counter()))
        if len(self.finished) == self.total and self.worker is not None:
            self.worker.stop()
        return None


def test_the_worker_finishes_every_frame_in_order_while_the_next_pose_runs(qapp):
    from ui.pipeline_worker import PoseThread

    slot: LatestSlot[Frame] = LatestSlot()
    session = TimedSession(total=30)
    worker = PipelineWorker(slot, session)  # type: ignore[arg-type]
    session.worker = worker
    image = np.zeros((4, 4, 3), np.uint8)

    def feed() -> None:  # a video file: lossless hand-over, as the capture worker does
        for k in range(session.total):
            while not slot.put_when_empty(Frame(k, k / 30, image, 0), 0.1):
                pass

    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    guard = threading.Timer(30.0, worker.stop)  # a broken loop fails the test instead of hanging it
    guard.start()
    poser = PoseThread()
    worker._loop(poser)
    assert poser.close(lambda: None, timeout=5.0)
    guard.cancel()
    assert worker.failures == 0
    assert session.finished == list(range(session.total))
    overlaps = sum(1 for s, e in session.spans["finish"] if any(a < e and b > s for a, b in session.spans["estimate"]))
    assert overlaps >= session.total // 2, "the next frame's pose did not run while frames were finished"


class CountingPlot(ScorePlot):
    def __init__(self) -> None:
        super().__init__()
        self.paints = 0

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt's name
        self.paints += 1
        super().paintEvent(event)


def test_the_score_plot_repaints_only_when_it_has_new_data(qapp):
    plot = CountingPlot()
    plot.resize(300, 100)
    plot.show()
    qapp.processEvents()
    plot.paints = 0
    plot.add(0.0, 50.0)
    plot.refresh()
    qapp.processEvents()
    plot.refresh()  # nothing new
    qapp.processEvents()
    assert plot.paints == 1
    plot.add(0.1, 60.0)
    plot.refresh()
    qapp.processEvents()
    assert plot.paints == 2
    plot.hide()


def test_the_video_view_still_mirrors_at_any_size(qapp, squat_images):
    view = VideoView()
    view.resize(640, 360)
    view.message = ""
    frame = squat_images[10]
    view.set_image(frame, mirrored=True)
    mirrored = qimage_array(view.grab().toImage())
    view.set_image(frame, mirrored=False)
    plain = qimage_array(view.grab().toImage())
    assert np.array_equal(mirrored, plain[:, ::-1])
    assert view.testAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
