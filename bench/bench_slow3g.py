"""A citizen files the birth registration on a phone over slow 3G: wall time
and bytes of every step, end to end, in Debian's Chromium against a live
server on the demo data.

    python bench/bench_slow3g.py            # slow 3G + CPU ×4 (about 2–4 min)
    python bench/bench_slow3g.py --quick    # no throttling: the journey only (smoke)

What it does:

1. builds a throw-away installation in a temporary folder: SQLite database,
   ``migrate``, ``collectstatic`` (WhiteNoise's compressed manifest, as in
   production) and ``motcua demo`` (the demo province of Vĩnh Long);
2. starts gunicorn (``motcua.wsgi``, 2 sync workers, ``DEBUG=0``) on
   127.0.0.1:19350 (``--port``) and the byte-counting relay the browser
   talks to on the next port (19351);
3. drives Chromium (Playwright) in a 360×740 phone viewport, a fresh
   profile (nothing cached), with the Chrome DevTools Protocol's
   ``Network.emulateNetworkConditions`` (400 kbit/s down, 400 kbit/s up,
   400 ms round trip) and ``Emulation.setCPUThrottlingRate`` (×4);
4. the demo citizen Nguyễn Văn An signs in with the number of their ID
   card, looks for their ward (Phú Khương), the procedure ("khai sinh"),
   fills the e-form of the birth registration (each field saved as it is
   left, as the page does), attaches the documents the procedure asks for,
   chooses to receive the result online, reviews and submits.

Output: one line per step, ``slow3g_<step>: <seconds> s, <bytes> B down,
<bytes> B up, <requests> requests`` and ``slow3g_total`` — bytes are what
went over the wire, counted by a TCP relay between Chromium and gunicorn
(request and status lines, headers, bodies as sent — compressed where the
server compresses —, uploads included; TLS is not modelled). A step runs
from the citizen's action to the next page being ready (its ``load``
event). Nothing is asserted about time: it is a benchmark.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))

from bench_http import Server, gunicorn  # noqa: E402

HOST = "127.0.0.1"
DEFAULT_PORT = 19350

#: Slow 3G as Chrome's DevTools and Lighthouse model it: bytes per second.
SLOW_3G = {
    "offline": False,
    "latency": 400,
    "downloadThroughput": 400 * 1000 // 8,
    "uploadThroughput": 400 * 1000 // 8,
}
CPU_SLOWDOWN = 4

#: The demo's citizen (``motcua.core.demo``): signs in with their ID number.
CITIZEN_ID = "086190001234"
DEMO_PASSWORD = "motcua-demo-2026"  # noqa: S105 - the demo's published password

#: The photo of a paper the citizen attaches: 1200×1600 px JPEG of ~200 KB
#: (a phone's scanning app at a modest setting; a raw camera photo is 2–4 MB).
DOCUMENT_SIZE = (1200, 1600)


@dataclass
class Counter:
    """Bytes and requests seen on the wire since the last :meth:`take`."""

    down: int = 0
    up: int = 0
    requests: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, way: str, size: int) -> None:
        with self.lock:
            if way == "up":
                self.up += size
            else:
                self.down += size

    def count(self) -> None:
        with self.lock:
            self.requests += 1

    def take(self) -> tuple[int, int, int]:
        with self.lock:
            out = (self.down, self.up, self.requests)
            self.down = self.up = self.requests = 0
        return out


@dataclass
class Step:
    name: str
    seconds: float
    down: int
    up: int
    requests: int


def say(text: str) -> None:
    print(text, flush=True)


def _chromium() -> str | None:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium"):
        if candidate and Path(candidate).exists():
            return candidate
    return shutil.which("chromium")


def _env(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="motcua.settings",
        DATABASE_URL=f"sqlite:///{data_dir / 'slow3g.sqlite3'}",
        MOTCUA_DATA_DIR=str(data_dir),
        SECRET_KEY=secrets.token_urlsafe(50),
        DEBUG="0",
        ALLOWED_HOSTS=HOST,
        LOG_LEVEL="WARNING",
        PYTHONPATH=os.pathsep.join([str(REPO / "src"), env.get("PYTHONPATH", "")]).rstrip(
            os.pathsep
        ),
    )
    return env


def _motcua(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "motcua", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"motcua {' '.join(args)} failed:\n{(done.stdout + done.stderr)[-3000:]}")


def _document(path: Path) -> Path:
    """A JPEG photo of a paper (blurred noise: it compresses like a photo)."""
    from PIL import Image, ImageFilter

    image = Image.effect_noise(DOCUMENT_SIZE, 40).filter(ImageFilter.GaussianBlur(1.5))
    image.convert("RGB").save(path, "JPEG", quality=75)
    return path


class CountingProxy:
    """A TCP relay between the browser and gunicorn on 127.0.0.1 that counts
    the bytes each way: what a phone would send and receive over the air
    (request lines, headers, bodies, uploads included; TLS not modelled)."""

    def __init__(self, counter: Counter, *, upstream: int, port: int) -> None:
        self.counter = counter
        self.upstream = upstream
        self.listener = socket.create_server((HOST, port))
        self.port = port
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection((HOST, self.upstream))
            threading.Thread(target=self._pump, args=(client, server, "up"), daemon=True).start()
            threading.Thread(target=self._pump, args=(server, client, "down"), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket, way: str) -> None:
        try:
            while chunk := source.recv(65536):
                self.counter.add(way, len(chunk))
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()

    def close(self) -> None:
        self.listener.close()


def journey(page: Any, files: list[Path], step: Callable[[str], Any]) -> str:
    """The citizen's steps; ``step(name)`` is a context manager around each.
    Returns the dossier's code from the confirmation page."""
    with step("1_mo_trang_dang_nhap"):
        page.goto("/dang-nhap/")
    with step("2_dang_nhap"):
        page.get_by_label("Số định danh cá nhân hoặc tên đăng nhập").fill(CITIZEN_ID)
        page.get_by_label("Mật khẩu").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Đăng nhập").click()
        page.wait_for_url("**/tai-khoan/")
    with step("3_chon_co_quan"):
        page.get_by_role("link", name="Nộp hồ sơ trực tuyến").first.click()
        page.wait_for_url("**/nop-ho-so/")
        page.get_by_label("Tìm cơ quan (gõ có dấu hoặc không dấu)").fill("phu khuong")
        page.get_by_role("button", name="Tìm").click()
        page.wait_for_url("**?q=*")
        page.get_by_role("link", name="Ủy ban nhân dân Phường Phú Khương").click()
        page.wait_for_url("**?don-vi=*")
    with step("4_chon_thu_tuc"):
        page.get_by_label("Tìm thủ tục của cơ quan này").fill("khai sinh")
        page.get_by_role("button", name="Tìm").click()
        page.wait_for_url("**thu-tuc=*")
        page.get_by_role("link", name="Thủ tục đăng ký khai sinh", exact=True).click()
        page.wait_for_url("**/nop-ho-so/*-*/")
    with step("5_to_khai"):
        _fill_birth_form(page)
        page.get_by_role("button", name="Tiếp tục").click()
        page.wait_for_url("**?buoc=giay-to")
    with step("6_giay_to"):
        ids = page.locator("input[type=file]").evaluate_all("els => els.map(e => e.id)")
        for index, input_id in enumerate(ids):
            page.locator(f"#{input_id}").set_input_files(str(files[index % len(files)]))
            card = input_id.replace("tep-", "thanh-phan-")
            page.locator(f"#{card} .file img").wait_for()
        say(f"({len(ids)} documents attached)")
        page.get_by_role("button", name="Tiếp tục").click()
        page.wait_for_url("**?buoc=nhan-ket-qua")
    with step("7_nhan_ket_qua"):
        page.get_by_label("Nhận kết quả trực tuyến").check()
        page.get_by_role("button", name="Tiếp tục").click()
        page.wait_for_url("**?buoc=xem-lai")
    with step("8_nop"):
        page.get_by_role("button", name="Nộp hồ sơ").click()
        page.wait_for_url("**/nop-ho-so/da-nop/**")
    return str(page.url).rstrip("/").rsplit("/", 1)[-1]


#: The e-form of the demo's birth registration (``eform-1.001193``), field by
#: field: (element id, value); a ``select`` is chosen, anything else typed.
#: The applicant's name and ID number are prefilled from the account.
BIRTH_FORM: tuple[tuple[str, str], ...] = (
    ("f-nguoi_yeu_cau-noi_cu_tru-street", "Số 12, đường Đồng Khởi"),
    ("f-nguoi_yeu_cau-quan_he", "cha"),
    ("f-tre-ho_ten", "Nguyễn Minh Khôi"),
    ("f-tre-gioi_tinh", "nam"),
    ("f-tre-ngay_sinh", "2026-11-20"),
    ("f-tre-noi_sinh", "Bệnh viện Nguyễn Đình Chiểu"),
    ("f-tre-dan_toc", "Kinh"),
    ("f-tre-quoc_tich", "Việt Nam"),
    ("f-me-ho_ten", "Trần Thị Hoa"),
    ("f-me-nam_sinh", "1994"),
    ("f-cha-ho_ten", "Nguyễn Văn An"),
    ("f-ban_sao-0--so_ban", "2"),
)


def _fill_birth_form(page: Any) -> None:
    # The ward is typed, then picked among the suggestions (an htmx request).
    page.locator("#f-nguoi_yeu_cau-noi_cu_tru-commune_code").fill("phu khuong")
    page.locator("#f-nguoi_yeu_cau-noi_cu_tru-commune_code-options button").first.click()
    for element_id, value in BIRTH_FORM:
        field_ = page.locator(f"#{element_id}")
        if field_.evaluate("e => e.tagName") == "SELECT":
            field_.select_option(value)
        else:
            field_.fill(value)
    page.locator("#f-ban_sao-0--ghi_chu").click()  # leaves the last field: it is saved


def run(*, port: int, throttle: bool) -> list[Step]:
    chromium = _chromium()
    if chromium is None:
        say("slow3g: skipped (Chromium is not installed: apt-get install chromium)")
        return []
    tmp = Path(tempfile.mkdtemp(prefix="motcua-slow3g-"))
    try:
        env = _env(tmp)
        started = time.perf_counter()
        for args in (("migrate", "-v0"), ("collectstatic", "--noinput", "-v0"), ("demo",)):
            _motcua(env, *args)
        say(f"(demo installation ready in {time.perf_counter() - started:.1f} s: {tmp})")
        files = [_document(tmp / f"giay-to-{i}.jpg") for i in (1, 2)]
        say(f"(documents to attach: {', '.join(f'{f.stat().st_size} B' for f in files)})")
        with gunicorn(Server(workers=2), env, tmp / "gunicorn.log", "/dang-nhap/", port):
            return _drive(chromium, port, files, throttle=throttle)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def _drive(chromium: str, port: int, files: list[Path], *, throttle: bool) -> list[Step]:
    from playwright.sync_api import sync_playwright

    steps: list[Step] = []
    counter = Counter()
    proxy = CountingProxy(counter, upstream=port, port=port + 1)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run"],
        )
        context = browser.new_context(
            base_url=f"http://{HOST}:{proxy.port}",
            viewport={"width": 360, "height": 740},
            is_mobile=True,
            has_touch=True,
            device_scale_factor=2,
            locale="vi-VN",
            timezone_id="Asia/Ho_Chi_Minh",
        )
        context.set_default_timeout(120_000)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        if throttle:
            cdp.send("Network.emulateNetworkConditions", SLOW_3G)
            cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
        page.on("request", lambda _request: counter.count())

        @contextmanager
        def step(name: str) -> Iterator[None]:
            counter.take()
            began = time.perf_counter()
            yield
            page.wait_for_load_state("load")
            seconds = time.perf_counter() - began
            down, up, requests = counter.take()
            steps.append(Step(name, seconds, down, up, requests))
            say(f"slow3g_{name}: {seconds:.1f} s, {down} B down, {up} B up, {requests} requests")

        try:
            code = journey(page, files, step)
        finally:
            browser.close()
            proxy.close()
    total = Step(
        "total",
        sum(s.seconds for s in steps),
        sum(s.down for s in steps),
        sum(s.up for s in steps),
        sum(s.requests for s in steps),
    )
    say(
        f"slow3g_total: {total.seconds:.1f} s, {total.down} B down, {total.up} B up, "
        f"{total.requests} requests (dossier {code})"
    )
    return [*steps, total]


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    parser.add_argument("--quick", action="store_true", help="no throttling (a smoke run)")
    args = parser.parse_args(argv)
    conditions = (
        "no throttling"
        if args.quick
        else (
            f"slow 3G ({SLOW_3G['downloadThroughput'] * 8 // 1000} kbit/s down, "
            f"{SLOW_3G['uploadThroughput'] * 8 // 1000} kbit/s up, {SLOW_3G['latency']} ms RTT), "
            f"CPU ×{CPU_SLOWDOWN}"
        )
    )
    say(f"(Chromium 360×740, {conditions})")
    run(port=args.port, throttle=not args.quick)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
