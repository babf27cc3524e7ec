#include "TestConfig.h"
#include "core/host/ImageArchive.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace myst;

// Real docker save archives (made by tests/hostsim/make-image-tar) and real broken files.
class TestImageArchive : public QObject
{
    Q_OBJECT
    QTemporaryDir m_dir;

    QString make(const QString& name, const QStringList& extra = {})
    {
        const QString out = m_dir.filePath(name);
        QProcess p;
        p.start(QStringLiteral(MYST_MAKE_IMAGE_TAR),
                QStringList{QStringLiteral("7.2.0"), out} + extra);
        p.waitForFinished(60000);
        m_lastId = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
        return out;
    }
    QString m_lastId;

    static void python(const QString& code)
    {
        QProcess p;
        p.start(QStringLiteral("python3"), {QStringLiteral("-c"), code});
        p.waitForFinished(60000);
    }

private slots:
    void readsPlainAndGzipArchives_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("tar") << "myst-studio-7.2.0.tar";
        QTest::newRow("tar.gz") << "myst-studio-7.2.0.tar.gz";
    }
    void readsPlainAndGzipArchives()
    {
        QFETCH(QString, name);
        const QString path = make(name);
        const ImageArchive a = ImageArchive::read(path);
        QVERIFY2(a.ok, qPrintable(a.error));
        QCOMPARE(a.imageId, m_lastId); // the ID docker load will give it
        QCOMPARE(a.repoTags, QStringList{QStringLiteral("registry.example.com/myst-studio:7.2.0")});
        QCOMPARE(a.version, QStringLiteral("7.2.0"));
        QCOMPARE(a.layers, 1);
        QCOMPARE(a.size, QFileInfo(path).size());
    }

    void refusesATruncatedArchive_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("tar") << "big.tar";
        QTest::newRow("tar.gz") << "big.tar.gz";
    }
    void refusesATruncatedArchive()
    {
        QFETCH(QString, name);
        const QString path = make(name, {QStringLiteral("--layer-mb"), QStringLiteral("2")});
        QVERIFY(QFile::resize(path, QFileInfo(path).size() / 2));
        const ImageArchive a = ImageArchive::read(path);
        QVERIFY(!a.ok);
        QVERIFY2(a.error.contains(QStringLiteral("truncated")), qPrintable(a.error));
    }

    void refusesATextFileRenamedTar()
    {
        const QString path = m_dir.filePath(QStringLiteral("notes.tar"));
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("These are my upgrade notes, not an image.\n");
        f.close();
        const ImageArchive a = ImageArchive::read(path);
        QVERIFY(!a.ok);
        QVERIFY2(a.error.contains(QStringLiteral("not a tar")), qPrintable(a.error));
    }

    void refusesATarWithoutManifest()
    {
        const QString path = m_dir.filePath(QStringLiteral("plain.tar"));
        python(QStringLiteral("import "
                              "tarfile,io\nt=tarfile.open('%1','w')\nd=b'{}'\ni=tarfile.TarInfo("
                              "'repositories')\n"
                              "i.size=len(d)\nt.addfile(i,io.BytesIO(d))\nt.close()")
                   .arg(path));
        const ImageArchive a = ImageArchive::read(path);
        QVERIFY(!a.ok);
        QVERIFY2(a.error.contains(QStringLiteral("no manifest.json")), qPrintable(a.error));
    }

    void refusesAMissingLayer()
    {
        const QString path = m_dir.filePath(QStringLiteral("nolayer.tar"));
        python(
            QStringLiteral(
                "import tarfile,io,json\nt=tarfile.open('%1','w')\n"
                "def add(n,d):\n i=tarfile.TarInfo(n); i.size=len(d); t.addfile(i,io.BytesIO(d))\n"
                "import hashlib\nc=hashlib.sha256(b'{}').hexdigest()+'.json'\n"
                "add(c, b'{}')\n"
                "add('manifest.json', "
                "json.dumps([{'Config':c,'RepoTags':['x:1'],'Layers':['%2/"
                "layer.tar']}]).encode())\n"
                "t.close()")
                .arg(path, QString(64, QLatin1Char('a'))));
        const ImageArchive a = ImageArchive::read(path);
        QVERIFY(!a.ok);
        QVERIFY2(a.error.contains(QString(64, QLatin1Char('a')) + QStringLiteral("/layer.tar")),
                 qPrintable(a.error));
    }

    // An image archive with extra entries docker save never writes (padding that compresses to
    // almost nothing) is refused without reading them into memory (issue 13.4).
    void refusesEntriesDockerSaveDoesNotWrite_data()
    {
        QTest::addColumn<QString>("entryName");
        QTest::addColumn<QString>("why");
        QTest::newRow("padding named .json") << "pad-%03d.json"
                                             << "does not write";
        QTest::newRow("many config-like names") << "%064d.json"
                                                << "more small entries";
    }
    void refusesEntriesDockerSaveDoesNotWrite()
    {
        QFETCH(QString, entryName);
        QFETCH(QString, why);
        const QString image = make(QStringLiteral("base.tar"));
        const QString path = m_dir.filePath(QStringLiteral("padded.tar.gz"));
        python(
            QStringLiteral("import tarfile,io\n"
                           "src=tarfile.open('%1')\nt=tarfile.open('%2','w:gz',compresslevel=1)\n"
                           "[t.addfile(m, src.extractfile(m)) for m in src.getmembers()]\n"
                           "pad=b' '*(1024*1024-1)\n"
                           "for n in range(40):\n"
                           " i=tarfile.TarInfo('%3' % n); i.size=len(pad); "
                           "t.addfile(i, io.BytesIO(pad))\n"
                           "t.close()")
                .arg(image, path, entryName));
        QVERIFY(QFileInfo::exists(path));
        QVERIFY(QFileInfo(path).size() < 2 * 1024 * 1024); // 40 MiB of entries, compressed
        const ImageArchive a = ImageArchive::read(path);
        QVERIFY2(!a.ok, "accepted as an image");
        QVERIFY2(a.error.contains(why), qPrintable(a.error));
    }

    void anOciArchiveNamesItsManifestDigest()
    {
        // Issue 30, 4: docker's containerd image store names a loaded image by its manifest's
        // digest. It is read from index.json only when the manifest blob is in the archive,
        // has that digest, and names this archive's config; a descriptor that does not is not.
        const QString path = m_dir.filePath(QStringLiteral("oci.tar"));
        python(
            QStringLiteral(
                "import tarfile,io,json,hashlib\nt=tarfile.open('%1','w')\n"
                "def add(n,d):\n i=tarfile.TarInfo(n); i.size=len(d); t.addfile(i,io.BytesIO(d))\n"
                "h=lambda d: hashlib.sha256(d).hexdigest()\n"
                "layer=b'x'*10; config=json.dumps({'config':{'Labels':{}}}).encode()\n"
                "man=json.dumps({'config':{'digest':'sha256:'+h(config)},'layers':[]}).encode()\n"
                "other=json.dumps({'config':{'digest':'sha256:'+'0'*64}}).encode()\n"
                "for d in (layer, config, man, other): add('blobs/sha256/'+h(d), d)\n"
                "add('index.json', json.dumps({'manifests':[{'digest':'sha256:'+h(other)},"
                "{'digest':'sha256:'+'f'*64},{'digest':'sha256:'+h(man)}]}).encode())\n"
                "add('manifest.json', json.dumps([{'Config':'blobs/sha256/'+h(config),"
                "'RepoTags':['x:1'],'Layers':['blobs/sha256/'+h(layer)]}]).encode())\n"
                "open('%1.id','w').write('sha256:'+h(man))\nt.close()")
                .arg(path));
        const ImageArchive a = ImageArchive::read(path);
        QVERIFY2(a.ok, qPrintable(a.error));
        QFile expected(path + QStringLiteral(".id"));
        QVERIFY(expected.open(QIODevice::ReadOnly));
        QCOMPARE(a.manifestId, QString::fromLatin1(expected.readAll()));
        QVERIFY(a.manifestId != a.imageId);
    }

    void refusesAConfigThatIsNotWhatItsNameSays()
    {
        const QString path = m_dir.filePath(QStringLiteral("altered.tar"));
        python(
            QStringLiteral(
                "import tarfile,io,json\nt=tarfile.open('%1','w')\n"
                "def add(n,d):\n i=tarfile.TarInfo(n); i.size=len(d); t.addfile(i,io.BytesIO(d))\n"
                "add('%2/layer.tar', b'')\nadd('%3.json', b'{\"config\":{}}')\n"
                "add('manifest.json', json.dumps([{'Config':'%3.json','RepoTags':['x:1'],"
                "'Layers':['%2/layer.tar']}]).encode())\nt.close()")
                .arg(path, QString(64, QLatin1Char('a')), QString(64, QLatin1Char('b'))));
        const ImageArchive a = ImageArchive::read(path);
        QVERIFY(!a.ok);
        QVERIFY2(a.error.contains(QStringLiteral("digest")), qPrintable(a.error));
    }
};

QTEST_GUILESS_MAIN(TestImageArchive)
#include "TestImageArchive.moc"
