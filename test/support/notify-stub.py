#!/usr/bin/python3
"""A stand-in desktop notification service for tests: owns org.freedesktop.Notifications on the
session bus (run it under dbus-run-session) and appends every Notify call to a JSON-lines file."""
import json
import sys

import dbus
import dbus.mainloop.glib
import dbus.service
from gi.repository import GLib

IFACE = "org.freedesktop.Notifications"


class Notifications(dbus.service.Object):
    def __init__(self, bus, out):
        super().__init__(bus, "/org/freedesktop/Notifications")
        self.out = out
        self.next_id = 0

    @dbus.service.method(IFACE, in_signature="susssasa{sv}i", out_signature="u")
    def Notify(self, app_name, replaces_id, icon, summary, body, actions, hints, timeout):
        self.next_id += 1
        record = {
            "app": str(app_name),
            "summary": str(summary),
            "body": str(body),
            "urgency": int(hints.get("urgency", -1)),
        }
        self.out.write(json.dumps(record) + "\n")
        self.out.flush()
        return dbus.UInt32(self.next_id)

    @dbus.service.method(IFACE, out_signature="as")
    def GetCapabilities(self):
        return ["body"]

    @dbus.service.method(IFACE, out_signature="ssss")
    def GetServerInformation(self):
        return ("cachify-test-stub", "cachify", "1.0", "1.2")

    @dbus.service.method(IFACE, in_signature="u")
    def CloseNotification(self, notification_id):
        pass


def main():
    dbus.mainloop.glib.DBusGMainLoop(set_as_default=True)
    bus = dbus.SessionBus()
    with open(sys.argv[1], "a", encoding="utf-8") as out:
        name = dbus.service.BusName(IFACE, bus)  # noqa: F841 (kept alive: owns the name)
        Notifications(bus, out)
        print("READY", flush=True)
        GLib.MainLoop().run()


if __name__ == "__main__":
    main()
