"""The real myst-upgrade-wizard binary, started as a user starts it, and seen as assistive
technology sees it: through the AT-SPI accessibility tree (Qt's bridge, switched on with
QT_LINUX_ACCESSIBILITY_ALWAYS_ON=1). Needs an X display (xvfb-run) and a D-Bus session
(tests/run-with-keyring.sh), both set up by the test's command line."""
import glob
import os
import resource
import shutil
import subprocess
import tempfile
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


# Roles a person operates (and a screen reader announces by name). A control of one of these
# roles without a name is one a screen-reader user cannot tell from its neighbours.
INTERACTIVE_ROLES = {"push button", "radio button", "check box", "combo box", "text", "entry",
                     "password text", "spin button", "tree", "tree table", "table", "list",
                     "list box", "page tab", "toggle button", "slider"}


class WizardApp:
    def __init__(self, args, env=None):
        env = dict(os.environ if env is None else env)
        env.update(QT_QPA_PLATFORM="xcb", QT_LINUX_ACCESSIBILITY_ALWAYS_ON="1",
                   QT_ACCESSIBILITY="1")
        os.makedirs(ARTIFACTS, exist_ok=True)
        self.log = open(os.path.join(ARTIFACTS, "wizard-stderr.log"), "ab")
        # A folder of its own to run in, where a crash leaves its core file (core_pattern
        # "core"), so that a crash says where it happened (ended()).
        self.cwd = tempfile.mkdtemp(prefix="wizard-cwd-")
        self.process = subprocess.Popen(
            [WIZARD, *args], env=env, stdin=subprocess.DEVNULL, stdout=self.log,
            stderr=self.log, cwd=self.cwd,
            preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_CORE, (-1, -1)))
        self.app = None
        self.clicks = 0  # what a person did: mouse clicks and presses...
        self.keys = 0    # ...and keys (a typed word counts each of its characters)

    def ended(self):
        """How the wizard ended, for an assertion: its status and, after a crash, the stack of
        each thread from its core file (gdb), also kept in the artifacts."""
        said = f"the wizard ended (status {self.process.returncode})"
        cores = glob.glob(os.path.join(self.cwd, "core*"))
        if not cores or not shutil.which("gdb"):
            return said + ("" if not cores else f"; core file {cores[0]} (no gdb to read it)")
        stacks = subprocess.run(
            ["gdb", "-q", "-batch", "-ex", "thread apply all bt 30", WIZARD, cores[0]],
            capture_output=True, text=True, timeout=300).stdout
        path = os.path.join(ARTIFACTS, f"wizard-crash-{self.process.pid}.txt")
        with open(path, "w") as f:
            f.write(stacks)
        return f"{said}; stacks in {path}:\n{stacks[-6000:]}"

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
                raise AssertionError(self.ended())
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

    def nodes(self, root=None, depth=None):
        """Every accessible of the wizard's windows (or under `root`), depth first; `depth`
        1 stops at the root's children."""
        stack = [(root or self.app or self.application(), 0)]
        while stack:
            node, level = stack.pop()
            if node is None:
                continue
            if level > 0 or depth is None:
                yield node
            if depth is not None and level >= depth:
                continue
            try:
                children = [node.getChildAtIndex(i) for i in range(node.childCount)]
            except Exception:
                continue
            stack.extend((c, level + 1) for c in reversed(children))

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
                raise AssertionError(f"{self.ended()} while waiting for {needle!r}")
            seen = self.texts(role)
            for text in seen:
                if needle in text and (unless is None or unless not in text):
                    return text
            time.sleep(0.3)
        raise AssertionError(f"no {role} shows {needle!r}; showing: {seen}")

    def window(self, name, timeout=30):
        """A window of the wizard (the wizard itself, a dialog over it) by its title."""
        return self.wait_until(f"window {name!r}", lambda: next(
            (w for w in self.nodes(self.app or self.application(), depth=1)
             if w is not None and w.name == name), None), timeout=timeout)

    def find(self, role, name=None, startswith=None, timeout=30, within=None):
        """The first showing control of that role whose text (or name) is `name`, or starts
        with `startswith`, in the window `within` (else any); waits for it to appear."""
        deadline = time.time() + timeout
        while True:
            if not self.alive():
                raise AssertionError(self.ended())
            for node in self.nodes(within):
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

    def press_button(self, name=None, startswith=None, timeout=30, within=None):
        """Finds a push button by its text and presses it; a button that went away between
        finding and pressing (a page changing) is looked for again."""
        deadline = time.time() + timeout
        while True:
            try:
                return self.press(self.find("push button", name, startswith, timeout, within))
            except Exception:
                if time.time() > deadline:
                    raise
                time.sleep(0.3)

    def press(self, node):
        """A button pressed as assistive technology presses it (its Press action)."""
        self.clicks += 1
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
        self.clicks += 1
        subprocess.run(["xdotool", "mousemove", str(x), str(y), "click", "1"], check=True)

    def drag(self, start, target, steps=12):
        """Presses the mouse at `start` (x, y: another client's window), moves to the middle of
        the control `target` in steps, as a hand does, and lets go there."""
        box = target.queryComponent().getExtents(pyatspi.DESKTOP_COORDS)
        (x0, y0), (x1, y1) = start, (box.x + box.width // 2, box.y + box.height // 2)
        command = ["xdotool", "mousemove", "--sync", str(x0), str(y0), "mousedown", "1"]
        for i in range(1, steps + 1):
            command += ["mousemove", "--sync", str(x0 + (x1 - x0) * i // steps),
                        str(y0 + (y1 - y0) * i // steps), "sleep", "0.05"]
        command += ["sleep", "0.3", "mouseup", "1"]
        self.clicks += 1  # one press, one release
        subprocess.run(command, check=True)

    def screenshot(self, name):
        os.makedirs(ARTIFACTS, exist_ok=True)
        path = os.path.join(ARTIFACTS, name + ".png")
        subprocess.run(["import", "-window", "root", path], check=False,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return path

    # --- What a person sees on a page -------------------------------------------------------

    def wait_for_page(self, title, timeout=60):
        """Waits for the page whose header says `title` (a label of exactly that text)."""
        return self.wait_until(f"the page {title!r}",
                               lambda: title in self.texts("label"), timeout=timeout)

    def audit(self):
        """Showing controls a person operates that a screen reader cannot announce: without a
        name, two of the same role and name in one group, or a combo box named only by the
        value it shows (no label is its buddy). One walk of the tree: (unnamed, ambiguous)."""
        unnamed, ambiguous, seen = [], [], set()
        for node in self.nodes():
            try:
                role = node.getRoleName()
                if role not in INTERACTIVE_ROLES or \
                        not node.getState().contains(pyatspi.STATE_SHOWING):
                    continue
                parent = node.parent
                if not node.name.strip():
                    headers = [node.getChildAtIndex(i).name for i in range(min(node.childCount, 8))
                               if node.getChildAtIndex(i).getRoleName() == "table column header"]
                    unnamed.append(f"{role} in {parent.getRoleName()} {parent.name!r} "
                                   f"showing {headers or self.text_of(node)[:60]!r}")
                    continue
                key = (hash(parent), role, node.name)
                if key in seen:
                    ambiguous.append(f"two {role}s named {node.name!r} in {parent.name!r}")
                seen.add(key)
                # On Linux Qt names a combo box by the item it shows and links its label by a
                # labelled-by relation, which a screen reader announces; without one the value
                # is all it says.
                items = node.getChildAtIndex(0) if role == "combo box" and node.childCount \
                    else None
                if items is not None and not self.labelled(node) and \
                        any(items.getChildAtIndex(i).name == node.name
                            for i in range(min(items.childCount, 50))):
                    ambiguous.append(f"combo box named only by its value {node.name!r}")
            except Exception:
                continue
        return unnamed, ambiguous

    @staticmethod
    def labelled(node):
        """The label that names `node` by a labelled-by relation (a buddy), or None."""
        for relation in node.getRelationSet():
            if relation.getRelationType() == pyatspi.RELATION_LABELLED_BY and \
                    relation.getNTargets():
                return relation.getTarget(0)
        return None

    def showing(self, name):
        """Whether a control of that name is on the screen."""
        for node in self.nodes():
            try:
                if node.name == name and node.getState().contains(pyatspi.STATE_SHOWING):
                    return True
            except Exception:
                continue
        return False

    def enabled(self, node):
        return node.getState().contains(pyatspi.STATE_ENABLED)

    def checked(self, node):
        return node.getState().contains(pyatspi.STATE_CHECKED)

    def focused(self, within=None):
        """The control that has the keyboard focus, or None. A table's current cell keeps its
        focused state after the focus has left the table (Qt's bridge), so a cell counts only
        when nothing else has the focus."""
        cells, controls = [], []
        for node in self.nodes(within):
            try:
                state = node.getState()
                if state.contains(pyatspi.STATE_FOCUSED) and state.contains(pyatspi.STATE_SHOWING):
                    (cells if node.getRoleName() in ("table cell", "list item")
                     else controls).append(node)
            except Exception:
                continue
        # A button box says it is focused when one of its buttons is: the deepest one counts.
        return controls[-1] if controls else cells[0] if cells else None

    def wait_until(self, what, predicate, timeout=60, interval=0.3):
        deadline = time.time() + timeout
        while True:
            if not self.alive():
                raise AssertionError(f"{self.ended()} while waiting for {what}")
            value = predicate()
            if value:
                return value
            if time.time() > deadline:
                raise AssertionError(f"timed out waiting for {what}")
            time.sleep(interval)

    # --- The keyboard, as a person types -------------------------------------------------------

    def key(self, *keys):
        """Keys pressed one after the other (xdotool names: Tab, space, Return, alt+n)."""
        self.keys += len(keys)
        subprocess.run(["xdotool", "key", "--delay", "60", *keys], check=True)

    def type(self, text):
        self.keys += len(text)
        subprocess.run(["xdotool", "type", "--delay", "40", text], check=True)

    def tab_to(self, role, name, limit=40, within=None):
        """Tab until the focus is on the control of that role and name, as a person watching the
        focus ring does; returns how many Tabs it took."""
        path = []
        for presses in range(limit + 1):
            node = self.focused(within)
            try:
                here = (node.getRoleName(), (node.name or self.text_of(node)).replace("&", "")) \
                    if node is not None else None
            except Exception:
                here = None
            if here == (role, name):
                return presses
            path.append(here)
            self.key("Tab")
            time.sleep(0.15)
        raise AssertionError(f"{limit} Tabs never reached {role} {name!r}; the focus was on "
                             f"{path}")

    def focus_window(self, title, timeout=20):
        """Gives the keyboard to the wizard's window of that title, as a window manager does for
        a window that opens (Xvfb runs none; Qt itself focuses a dialog it opens)."""
        def window_id():
            ids = subprocess.run(["xdotool", "search", "--onlyvisible", "--pid",
                                  str(self.process.pid)], capture_output=True, text=True).stdout
            for wid in ids.split():
                name = subprocess.run(["xdotool", "getwindowname", wid], capture_output=True,
                                      text=True).stdout.rstrip("\n")
                if name == title:
                    return wid
            return None

        wid = self.wait_until(f"the window {title!r}", window_id, timeout=timeout)
        focus = subprocess.run(["xdotool", "getwindowfocus"], capture_output=True,
                               text=True).stdout.strip()
        if focus != wid:
            subprocess.run(["xdotool", "windowfocus", "--sync", wid], check=True,
                           timeout=timeout)
