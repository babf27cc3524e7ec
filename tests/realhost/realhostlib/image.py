"""The images: root file systems built in memory, docker import/save in a builder host, and the
registry cache in /var/tmp/myst-realhost-cache/<key>/ that every lab shares."""
import hashlib
import io
import os
import re
import shutil
import subprocess
import tarfile
import time
import zipfile

from .common import (BUILD_FORMAT, CACHE_ROOT, IMAGE_SRC, LABEL, MYSQL_IMAGE, REPO, Locked,
                     version_key)
from .lab import inside


# ---------------------------------------------------------------- MariaDB from this machine

# The database is Debian 12's MariaDB (apt-get install mariadb-server), copied from this machine
# into the images with the libraries ldd lists: the server and its tools in mysql:5.7, the
# client (what the console's JDBC driver stands for) in myst-studio.
MARIADB_SERVER = ["/usr/sbin/mariadbd", "/usr/bin/mariadb-dump", "/usr/bin/mariadb-admin"]
MARIADB_CLIENT = ["/usr/bin/mariadb"]
MARIADB_ALIASES = {"mariadbd": "mysqld", "mariadb": "mysql", "mariadb-dump": "mysqldump",
                   "mariadb-admin": "mysqladmin"}
MARIADB_SHARE = "/usr/share/mysql"  # errmsg, charsets, the system tables' SQL (not /usr/share/mariadb)


def mariadb_missing():
    return [p for p in MARIADB_SERVER + MARIADB_CLIENT + [MARIADB_SHARE] if not os.path.exists(p)]


def libraries(binaries):
    """{path in the image: path here} of every library the binaries load, the dynamic loader
    included, each under its own name in the folder it really lives in (/lib is /usr/lib)."""
    libs = {}
    for b in binaries:
        out = subprocess.run(["ldd", b], capture_output=True, text=True, check=True).stdout
        for line in out.splitlines():
            parts = line.split()
            path = parts[parts.index("=>") + 1] if "=>" in parts else (parts[0] if parts else "")
            if path.startswith("/"):
                inner = os.path.join(os.path.realpath(os.path.dirname(path)), os.path.basename(path))
                libs[inner.lstrip("/")] = path
    return libs


def mariadb_sources(server):
    """{path in the image: path here} of the MariaDB files an image gets."""
    binaries = MARIADB_SERVER + MARIADB_CLIENT if server else MARIADB_CLIENT
    files = {b.lstrip("/"): b for b in binaries}
    files.update(libraries(binaries))
    if server:
        for root, dirs, names in os.walk(MARIADB_SHARE):
            dirs.sort()
            for n in sorted(names):
                p = os.path.join(root, n)
                files[p.lstrip("/")] = p
    return files


def add_mariadb(fs, server):
    fs.link("lib", "usr/lib")
    fs.link("lib64", "usr/lib64")
    for inner, outer in sorted(mariadb_sources(server).items()):
        with open(outer, "rb") as f:
            fs.file(inner, f.read(), 0o755 if os.stat(outer).st_mode & 0o111 else 0o644)
    for real, alias in MARIADB_ALIASES.items():
        for folder in ("usr/bin", "usr/sbin"):
            if f"/{folder}/{real}" in MARIADB_SERVER + MARIADB_CLIENT and (server or real == "mariadb"):
                fs.link(f"{folder}/{alias}", real)


# ---------------------------------------------------------------- the image cache

def cache_key():
    h = hashlib.sha256(BUILD_FORMAT.encode())
    for root, dirs, files in os.walk(IMAGE_SRC):
        dirs.sort()
        for name in sorted(files):
            p = os.path.join(root, name)
            h.update(os.path.relpath(p, IMAGE_SRC).encode() + b"\0")
            h.update(str(os.stat(p).st_mode & 0o111).encode())
            with open(p, "rb") as f:
                h.update(f.read())
    # and how they are built: busybox and this file (not the rest of realhost, whose changes
    # do not change an image), and the MariaDB files copied in (by name, size and time).
    pkg = os.path.dirname(os.path.abspath(__file__))
    for p in (shutil.which("busybox") or "/bin/busybox", os.path.join(pkg, "image.py")):
        with open(p, "rb") as f:
            h.update(f.read())
    for inner, outer in sorted(mariadb_sources(True).items()):
        st = os.stat(outer)
        h.update(f"{inner}\0{st.st_size}\0{int(st.st_mtime)}\0".encode())
    return h.hexdigest()[:16]


def cache_dir():
    return os.path.join(CACHE_ROOT, cache_key())


def archive_name(version, rebuilt=False):
    return f"myst-studio-{version}{'.rebuilt' if rebuilt else ''}.tar"


def build_number(version, rebuilt):
    n = 100 + int(hashlib.sha1(version.encode()).hexdigest()[:6], 16) % 900
    return f"{version}-b{n + (1 if rebuilt else 0)}"


class RootFs:
    """A root file system tar, built in memory: busybox, its applets, then image files."""

    MTIME = 1700000000

    def __init__(self):
        self.buf = io.BytesIO()
        self.tar = tarfile.open(fileobj=self.buf, mode="w")
        self.seen = set()
        for d, mode in (("bin", 0o755), ("dev", 0o755), ("etc", 0o755), ("proc", 0o755), ("sys", 0o755),
                        ("root", 0o700), ("run", 0o755), ("tmp", 0o1777), ("usr", 0o755), ("usr/bin", 0o755),
                        ("usr/sbin", 0o755), ("usr/local", 0o755), ("usr/local/bin", 0o755), ("var", 0o755),
                        ("var/tmp", 0o1777), ("var/log", 0o755), ("sbin", 0o755)):
            self.dir(d, mode)
        with open(shutil.which("busybox") or "/bin/busybox", "rb") as f:
            self.file("bin/busybox", f.read(), 0o755)
        applets = subprocess.run(["busybox", "--list"], capture_output=True, text=True, check=True).stdout.split()
        for a in applets:
            if a != "busybox" and "/" not in a:
                self.link(f"bin/{a}", "busybox")
        self.link("var/run", "../run")

    def _info(self, name, kind, mode):
        info = tarfile.TarInfo(name)
        info.type, info.mode, info.mtime, info.uid, info.gid = kind, mode, self.MTIME, 0, 0
        return info

    def dir(self, name, mode=0o755):
        parts = name.split("/")
        for i in range(1, len(parts)):
            parent = "/".join(parts[:i])
            if parent not in self.seen:
                self.dir(parent)
        if name not in self.seen:
            self.seen.add(name)
            self.tar.addfile(self._info(name, tarfile.DIRTYPE, mode))

    def file(self, name, data, mode=0o644):
        if "/" in name:
            self.dir(name.rsplit("/", 1)[0])
        info = self._info(name, tarfile.REGTYPE, mode)
        info.size = len(data)
        self.tar.addfile(info, io.BytesIO(data))

    def link(self, name, target):
        info = self._info(name, tarfile.SYMTYPE, 0o777)
        info.linkname = target
        self.tar.addfile(info)

    def tree(self, src):
        for root, dirs, files in os.walk(src):
            dirs.sort()
            rel = os.path.relpath(root, src)
            if rel != ".":
                self.dir(rel, 0o755)
            for name in sorted(files):
                p = os.path.join(root, name)
                with open(p, "rb") as f:
                    data = f.read()
                self.file(os.path.normpath(os.path.join(rel, name)), data,
                          0o755 if os.stat(p).st_mode & 0o111 else 0o644)

    def bytes(self):
        self.tar.close()
        return self.buf.getvalue()


def console_war(version, build):
    """The console web archive (a real zip): the page, and the Flyway migrations up to version."""
    buf = io.BytesIO()
    src = os.path.join(IMAGE_SRC, "console")
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        def add(name, data):
            info = zipfile.ZipInfo(name, date_time=(2023, 11, 14, 22, 13, 20))
            info.external_attr = 0o644 << 16
            z.writestr(info, data)
        add("META-INF/MANIFEST.MF", f"Manifest-Version: 1.0\r\nImplementation-Title: MyST Studio Console\r\n"
                                    f"Implementation-Version: {version}\r\nBuild-Number: {build}\r\n"
                                    f"Created-By: Apache Maven 3.8.6\r\n\r\n")
        for root, dirs, files in os.walk(src):
            dirs.sort()
            for name in sorted(files):
                p = os.path.join(root, name)
                with open(p, "rb") as f:
                    data = f.read()
                if name.endswith(".html"):
                    data = data.replace(b"@VERSION@", version.encode()).replace(b"@BUILD@", build.encode())
                add(os.path.relpath(p, src), data)
        mig = os.path.join(IMAGE_SRC, "migrations")
        known = {}
        for name in os.listdir(mig):
            m = re.match(r"^V(.+?)__.*\.sql$", name)
            if m:
                known[m.group(1).replace("_", ".")] = name
        for v, name in sorted(known.items(), key=lambda kv: version_key(kv[0])):
            if version_key(v) <= version_key(version):
                with open(os.path.join(mig, name), "rb") as f:
                    add(f"WEB-INF/classes/db/migration/{name}", f.read())
        if version not in known:
            with open(os.path.join(mig, "release.sql.in"), "rb") as f:
                add(f"WEB-INF/classes/db/migration/V{version.replace('.', '_')}__release_{version.replace('.', '_')}.sql",
                    f.read().replace(b"@VERSION@", version.encode()))
    return buf.getvalue()


def web_rootfs(version, build):
    fs = RootFs()
    fs.tree(os.path.join(IMAGE_SRC, "web"))
    fs.dir("usr/local/tomcat/logs")
    fs.dir("usr/local/tomcat/temp")
    fs.dir("usr/local/tomcat/work")
    fs.dir("usr/local/tomcat/lib")
    fs.file("usr/local/tomcat/webapps/console.war", console_war(version, build))
    fs.file("usr/local/tomcat/RELEASE-NOTES", b"Apache Tomcat Version 9.0.83\n")
    add_mariadb(fs, server=False)
    return fs.bytes()


def db_rootfs():
    fs = RootFs()
    fs.tree(os.path.join(IMAGE_SRC, "db"))
    add_mariadb(fs, server=True)
    fs.dir("var/lib/mysql")
    fs.dir("run/mysqld")
    fs.dir("docker-entrypoint-initdb.d")
    return fs.bytes()


def build_image(builder, out, ref, rootfs, changes):
    """docker import + docker save in the builder host's daemon; the archive goes to out."""
    cmd = ["docker", "import"]
    for c in changes:
        cmd += ["-c", c]
    inside(builder, *cmd, "-", ref, input=rootfs, timeout=300)
    tmp = out + f".{os.getpid()}.tmp"
    try:
        inside(builder, "docker", "save", "-o", tmp, ref, timeout=300)
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
        inside(builder, "docker", "rmi", ref, check=False)


def ensure_cache(builder, versions):
    cdir = cache_dir()
    os.makedirs(cdir, mode=0o755, exist_ok=True)
    os.chmod(CACHE_ROOT, 0o755)
    os.chmod(cdir, 0o755)
    for old in os.listdir(CACHE_ROOT):  # images of older image definitions, unused for a day
        p = os.path.join(CACHE_ROOT, old)
        if p != cdir and os.path.isdir(p) and time.time() - os.stat(p).st_mtime > 86400:
            shutil.rmtree(p, ignore_errors=True)
    os.utime(cdir)
    with Locked(os.path.join(cdir, ".lock")):
        path = os.path.join(cdir, "mysql-5.7.tar")
        if not os.path.exists(path):
            build_image(builder, path, MYSQL_IMAGE, db_rootfs(), [
                "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                "ENV MARIADB_VERSION=1:10.11", "ENV LANG=C.UTF-8",
                "VOLUME /var/lib/mysql", "EXPOSE 3306 33060",
                'ENTRYPOINT ["docker-entrypoint.sh"]', 'CMD ["mysqld"]'])
        for v in versions:
            for rebuilt in (False, True):
                path = os.path.join(cdir, archive_name(v, rebuilt))
                if os.path.exists(path):
                    continue
                build = build_number(v, rebuilt)
                build_image(builder, path, f"{REPO}:{v}", web_rootfs(v, build), [
                    f"LABEL {LABEL}={v}", f"LABEL com.rubiconred.myst.build={build}",
                    'LABEL org.opencontainers.image.title="MyST Studio"',
                    'LABEL org.opencontainers.image.vendor="Rubicon Red"',
                    "ENV PATH=/usr/local/tomcat/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                    "ENV JAVA_HOME=/opt/java/openjdk", "ENV CATALINA_HOME=/usr/local/tomcat",
                    "ENV TOMCAT_VERSION=9.0.83", f"ENV MYST_VERSION={v}", f"ENV MYST_BUILD={build}",
                    "WORKDIR /usr/local/tomcat", "EXPOSE 8080", 'CMD ["catalina.sh", "run"]'])
    return cdir


def publish_links(base, versions, cdir):
    reg = os.path.join(base, "srv", "registry", *REPO.split("/", 1)[1].split("/"))
    os.makedirs(reg, exist_ok=True)
    for v in versions:
        for rebuilt in (False, True):
            link = os.path.join(reg, f"{v}{'.rebuilt' if rebuilt else ''}.tar")
            if os.path.lexists(link):
                os.remove(link)
            os.symlink(os.path.join(cdir, archive_name(v, rebuilt)), link)
