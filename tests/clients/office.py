"""A private headless LibreOffice for the fill scripts, driven over UNO (run by Debian's /usr/bin/python3)."""

import shutil
import subprocess
import tempfile
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    """A com.sun.star.beans.PropertyValue."""
    found = PropertyValue()
    found.Name, found.Value = name, value
    return found


def start_office(prefix="aitk-office-"):
    """A soffice with its own profile and pipe (two sharing a profile fail silently);
    returns (process, component context, desktop, profile folder)."""
    profile = tempfile.mkdtemp(prefix=prefix)
    pipe = f"aitk_{uuid.uuid4().hex}"
    process = subprocess.Popen(
        [
            "soffice",
            "--headless",
            "--invisible",
            "--norestore",
            "--nologo",
            "--nodefault",
            f"-env:UserInstallation=file://{profile}",
            f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    deadline = time.monotonic() + 90
    while True:
        try:
            context = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except Exception as error:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                raise SystemExit(f"LibreOffice did not start: {error}") from error
            time.sleep(0.3)
    desktop = context.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", context)
    return process, context, desktop, profile


def stop_office(process, desktop, profile):
    """Close LibreOffice (killed if it will not end) and remove its profile."""
    try:
        desktop.terminate()
    except Exception:
        pass
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
    shutil.rmtree(profile, ignore_errors=True)
