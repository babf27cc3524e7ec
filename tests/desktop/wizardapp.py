"""The real myst-upgrade-wizard binary, started as a user starts it, and seen as assistive
technology sees it: through the AT-SPI accessibility tree (Qt's bridge, switched on with
QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1). Needs an X display (xvfb-run) and a D-Bus session
(tests/run-with-keyring.sh), both set up by the test's command line."""
import os
import subprocess
import time

import pyatspi

HERE = os.path.dirname(os.path.abspath(__file__))
WIZARD = os.environ.get("MYST_WIZARD",
                        os.path.join(HERE, "..", "..", "build", "app", "myst-upgrade-wizard"))
ARTIFACTS = os.environ.get("MYST_ARTIFACTS",
                           os.path.join(HERE, "..", "..", "build", "artifacts", "desktop"))


def rss_mb(pid):
    """Resident memory of a process, in MB (VmRSS), or None when it has ended."""
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    except FileNotFoundError:
        return None
    return None


class WizardApp:
    def __init__(self, args, env=None):
        env = dict(os.environ if env is None else env)
        env.update(QT_QPA_PLATFORM="xcb", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
                   QT_ACCESSIBILITY="1")
        os.makedirs(ARTIFACTS, exist_ok=True)
        self.log = open(os.path.join(ARTIFACTS, "wizard-stderr.log"), "ab")
        self.process = subprocess.Popen([WIZARD, *args], env=env, stdin=subprocess.DEVNULL,
                                        stdout=self.log, stderr=self.log)
        self.app = None

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.log.close()

    def alive(self):
        return self.process.poll() is None

    def rss_mb(self):
        return rss_mb(self.process.pid)

    def application(self, timeout=30):
        """The wizard's accessible application, once it is on the bus."""
        deadline = time.time() + timeout
        while time.time() < deadline:
            if not self.alive():
                raise AssertionError(f"the wizard ended (status {self.process.returncode})")
            desktop = pyatspi.Registry.getDesktop(0)
            for i in range(desktop.childCount):
                app = desktop.getChildAtIndex(i)
                try:
                    if app is not None and app.get_process_id() == self.process.pid:
                        self.app = app
                        return app
                except Exception:  # an application leaving the bus meanwhile
                    continue
            time.sleep(0.2)
        raise AssertionError("the wizard never appeared on the accessibility bus")

    def nodes(self):
        """Every showing accessible of the wizard's windows, depth first."""
        app = self.app or self.application()
        stack = [app]
        while stack:
            node = stack.pop()
            if node is None:
                continue
            yield node
            try:
                children = [node.getChildAtIndex(i) for i in range(node.childCount)]
            except Exception:
                continue
            stack.extend(reversed(children))

    @staticmethod
    def text_of(node):
        """What a person reads on a control: its text, or else its accessible name."""
        try:
            return node.queryText().getText(0, -1)
        except Exception:  # no Text interface (NotImplementedError), or gone meanwhile
            return node.name or ""

    def texts(self, role="label"):
        out = []
        for node in self.nodes():
            try:
                if node.getRoleName() == role and node.getState().contains(pyatspi.STATE_SHOWING):
                    out.append(self.text_of(node))
            except Exception:
                continue
        return out

    def wait_for_text(self, needle, role="label", timeout=60, unless=None):
        """The first showing control of that role whose text holds `needle` (and not
        `unless`)."""
        deadline = time.time() + timeout
        seen = []
        while time.time() < deadline:
            if not self.alive():
                raise AssertionError(f"the wizard ended (status {self.process.returncode}) "
                                     f"while waiting for {needle!r}")
            seen = self.texts(role)
            for text in seen:
                if needle in text and (unless is None or unless not in text):
                    return text
            time.sleep(0.3)
        raise AssertionError(f"no {role} shows {needle!r}; showing: {seen}")

    def find(self, role, name=None, startswith=None, timeout=30):
        """The first showing control of that role whose text (or name) is `name`, or starts
        with `startswith`; waits for it to appear."""
        deadline = time.time() + timeout
        while True:
            if not self.alive():
                raise AssertionError(f"the wizard ended (status {self.process.returncode})")
            for node in self.nodes():
                try:
                    if node.getRoleName() != role or \
                            not node.getState().contains(pyatspi.STATE_SHOWING):
                        continue
                    label = node.name or self.text_of(node)
                except Exception:
                    continue
                if (name is not None and label.replace("&", "") == name) or \
                        (startswith is not None and label.startswith(startswith)):
                    return node
            if time.time() > deadline:
                seen = sorted({n.name for n in self.nodes() if n.getRoleName() == role})
                raise AssertionError(f"no {role} {name or startswith!r}; there are: {seen}")
            time.sleep(0.3)

    def press_button(self, name=None, startswith=None, timeout=30):
        """Finds a push button by its text and presses it; a button that went away between
        finding and pressing (a page changing) is looked for again."""
        deadline = time.time() + timeout
        while True:
            try:
                return self.press(self.find("push button", name, startswith, timeout))
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)

    def press(self, node):
        """A button pressed as assistive technology presses it (its Press action)."""
        action = node.queryAction()
        for i in range(action.nActions):
            if action.getName(i).lower() in ("press", "click", "activate"):
                action.doAction(i)
                return
        action.doAction(0)

    def click(self, node):
        """A mouse click at the middle of the control, as a person clicks (xdotool)."""
        box = node.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        x, y = box.x + box.width // 2, box.y + box.height // 2
        subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], check=True)

    def screenshot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, name + ".png")
        subprocess.run(["import", "-window", "root", path], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return path
