#!/usr/bin/python3
"""Another X client that offers a file for dragging, as a file manager does: a small GTK window
at X,Y whose label is a drag source of text/uri-list (XDND). A test presses the mouse on it and
moves to the drop target with xdotool; GTK and the wizard then speak XDND between themselves.

Usage: xdnd_source.py FILE X Y. Prints "ready X Y W H" once its window is mapped, "drag-end"
when a drag ends and "drag-failed REASON" when the target did not take it."""
import os
import sys

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
from gi.repository import Gdk, GLib, Gtk  # noqa: E402


def main():
    path, x, y = os.path.abspath(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    window = Gtk.Window(title="Files: " + os.path.basename(path))
    window.set_default_size(200, 90)
    window.move(x, y)
    box = Gtk.EventBox()
    box.add(Gtk.Label(label=os.path.basename(path)))
    box.drag_source_set(Gdk.ModifierType.BUTTON1_MASK, [], Gdk.DragAction.COPY)
    box.drag_source_add_uri_targets()

    def data_get(widget, context, data, info, when):
        data.set_uris([GLib.filename_to_uri(path, None)])

    def drag_end(widget, context):
        # drag-end comes after a drop and after a cancel alike; drag-failed only after the latter
        print("drag-end", flush=True)

    def drag_failed(widget, context, result):
        print(f"drag-failed {result.value_nick}", flush=True)
        return False

    box.connect("drag-data-get", data_get)
    box.connect("drag-end", drag_end)
    box.connect("drag-failed", drag_failed)
    window.add(box)
    window.connect("destroy", Gtk.main_quit)

    def mapped(*_):
        def report():
            ox, oy = window.get_window().get_origin()[1:]
            alloc = window.get_allocation()
            print(f"ready {ox} {oy} {alloc.width} {alloc.height}", flush=True)
            return False
        GLib.timeout_add(200, report)

    window.connect("map-event", mapped)
    window.show_all()
    Gtk.main()


if __name__ == "__main__":
    main()
