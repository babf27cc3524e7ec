// Platform.h on Windows (docs/PORTING.md has the table beside the POSIX one).
//
// This file alone needs <windows.h> whole (<aclapi.h> pulls in OLE, which needs USER's MSG):
// it is compiled on its own, outside unity batches (core/CMakeLists.txt), without the
// project's NOUSER/NOGDI, so that windows.h's macros (LoadImage, ERROR) reach no other file.
#undef NOUSER
#undef NOGDI
#include "core/base/Platform.h"

#include <QDir>
#include <QFileInfo>
#include <QStandardPaths>

#include <climits>
#include <cstdio>
#include <iterator>
#include <mutex>

// The order matters (each needs the one before): winsock2.h before windows.h, which would
// otherwise pull in the old winsock.h.
// clang-format off
#include <winsock2.h>
#include <ws2tcpip.h>
#include <mstcpip.h>
#include <windows.h>
#include <aclapi.h>
#include <sddl.h>
// clang-format on

// Windows Error Reporting, declared here: MinGW-w64's <werapi.h> (Debian 12's) does not compile
// (HREPORT and WER_MAX_PREFERRED_MODULES_BUFFER undeclared), and lacks Windows 8's NO_UI flag.
extern "C" {
HRESULT WINAPI WerAddExcludedApplication(PCWSTR exeName, BOOL allUsers); // wer.dll
HRESULT WINAPI WerSetFlags(DWORD flags);                                 // kernel32.dll
}
constexpr DWORD WER_FAULT_REPORTING_NO_UI = 0x20;

namespace myst::platform {

namespace {
// The Windows error text of `code`, for messages.
QString errorText(DWORD code)
{
    wchar_t* text = nullptr;
    FormatMessageW(FORMAT_MESSAGE_ALLOCATE_BUFFER | FORMAT_MESSAGE_FROM_SYSTEM |
                       FORMAT_MESSAGE_IGNORE_INSERTS,
                   nullptr, code, 0, reinterpret_cast<wchar_t*>(&text), 0, nullptr);
    const QString message =
        text ? QString::fromWCharArray(text).trimmed() : QStringLiteral("error %1").arg(code);
    LocalFree(text);
    return message;
}

// This process's user as a SID string ("S-1-5-21-…"), or empty.
QString currentUserSid()
{
    HANDLE token = nullptr;
    if (!OpenProcessToken(GetCurrentProcess(), TOKEN_QUERY, &token))
        return {};
    DWORD size = 0;
    GetTokenInformation(token, TokenUser, nullptr, 0, &size);
    QByteArray buffer(qsizetype(size), '\0');
    QString sid;
    if (size && GetTokenInformation(token, TokenUser, buffer.data(), size, &size)) {
        wchar_t* text = nullptr;
        if (ConvertSidToStringSidW(reinterpret_cast<TOKEN_USER*>(buffer.data())->User.Sid, &text)) {
            sid = QString::fromWCharArray(text);
            LocalFree(text);
        }
    }
    CloseHandle(token);
    return sid;
}
} // namespace

// --- Process hardening ---

void disableCoreDumps()
{
    // No "program has stopped working" box and no Windows Error Reporting dump of a process
    // that holds passwords: a crash ends it silently, as a core-less crash does on Linux.
    SetErrorMode(SEM_FAILCRITICALERRORS | SEM_NOGPFAULTERRORBOX);
    WerSetFlags(WER_FAULT_REPORTING_NO_UI);
    wchar_t exe[MAX_PATH];
    const DWORD n = GetModuleFileNameW(nullptr, exe, MAX_PATH);
    if (n > 0 && n < MAX_PATH)
        WerAddExcludedApplication(exe, FALSE); // this user's reports only: no admin needed
}

void restrictNewFilesToOwner()
{
    // Nothing to do per process: Windows has no umask. A new file takes its folder's inherited
    // access; the state folder is the user's only by its own DACL (makePrivate, StatePaths),
    // and the site file is made private where it is written.
}

// --- Files ---

QString defaultStateDirectory()
{
    // %LOCALAPPDATA% (not roaming: journals and logs belong to this computer), the same folder
    // for both programs, whatever Qt's application name.
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/myst-upgrade");
}

bool makePrivate(const QString& path)
{
    const QString sid = currentUserSid();
    if (sid.isEmpty())
        return false;
    // P: protected, nothing inherited from above; the user alone, full control (FA); in a
    // folder inherited by files (OI) and folders (CI) made in it.
    const QString inherit = QFileInfo(path).isDir() ? QStringLiteral("OICI") : QString();
    const std::wstring wanted =
        QStringLiteral("D:P(A;%1;FA;;;%2)").arg(inherit, sid).toStdWString();
    const std::wstring name = QDir::toNativeSeparators(path).toStdWString();

    // Already so: nothing to write (setting a folder's DACL walks everything in it).
    PSECURITY_DESCRIPTOR current = nullptr;
    if (GetNamedSecurityInfoW(name.c_str(), SE_FILE_OBJECT, DACL_SECURITY_INFORMATION, nullptr,
                              nullptr, nullptr, nullptr, &current) == ERROR_SUCCESS) {
        wchar_t* text = nullptr;
        const bool same =
            ConvertSecurityDescriptorToStringSecurityDescriptorW(
                current, SDDL_REVISION_1, DACL_SECURITY_INFORMATION, &text, nullptr) &&
            wanted == text;
        LocalFree(text);
        LocalFree(current);
        if (same)
            return true;
    }

    PSECURITY_DESCRIPTOR descriptor = nullptr;
    if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(wanted.c_str(), SDDL_REVISION_1,
                                                              &descriptor, nullptr))
        return false;
    BOOL present = FALSE;
    BOOL defaulted = FALSE;
    PACL dacl = nullptr;
    bool ok = GetSecurityDescriptorDacl(descriptor, &present, &dacl, &defaulted) && present;
    if (ok) {
        ok = SetNamedSecurityInfoW(const_cast<wchar_t*>(name.c_str()), SE_FILE_OBJECT,
                                   DACL_SECURITY_INFORMATION | PROTECTED_DACL_SECURITY_INFORMATION,
                                   nullptr, nullptr, dacl, nullptr) == ERROR_SUCCESS;
    }
    LocalFree(descriptor);
    return ok;
}

QString accountName()
{
    wchar_t name[256 + 1]; // UNLEN + 1
    DWORD size = DWORD(std::size(name));
    return GetUserNameW(name, &size) ? QString::fromWCharArray(name) : QString();
}

// --- Other processes ---

int endProcess(int status)
{
    std::fflush(nullptr);
    TerminateProcess(GetCurrentProcess(), UINT(status));
    return status; // not reached
}

bool processExists(qint64 pid)
{
    if (pid <= 0)
        return false;
    HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, DWORD(pid));
    if (!process) {
        // Another user's (or an elevated) process is there, only not ours to ask.
        return GetLastError() == ERROR_ACCESS_DENIED;
    }
    DWORD code = 0;
    const bool running = GetExitCodeProcess(process, &code) && code == STILL_ACTIVE;
    CloseHandle(process);
    return running;
}

std::optional<QByteArray> processName(qint64 pid)
{
    HANDLE process = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE, DWORD(pid));
    if (!process)
        return std::nullopt;
    wchar_t path[MAX_PATH * 4];
    DWORD size = DWORD(std::size(path));
    const bool ok = QueryFullProcessImageNameW(process, 0, path, &size);
    CloseHandle(process);
    if (!ok)
        return std::nullopt;
    QString name = QFileInfo(QString::fromWCharArray(path, int(size))).fileName();
    if (name.endsWith(QLatin1String(".exe"), Qt::CaseInsensitive))
        name.chop(4);
    return name.toUtf8();
}

// --- Sockets ---

namespace {
void startWinsock()
{
    static std::once_flag once;
    std::call_once(once, [] {
        WSADATA data;
        WSAStartup(MAKEWORD(2, 2), &data);
    });
}

SOCKET newTcpSocket()
{
    // Not inherited by child processes, as SOCK_CLOEXEC on POSIX.
    return WSASocketW(AF_INET, SOCK_STREAM, IPPROTO_TCP, nullptr, 0,
                      WSA_FLAG_OVERLAPPED | WSA_FLAG_NO_HANDLE_INHERIT);
}

bool sameAddress(const sockaddr_in& a, const sockaddr_in& b)
{
    return a.sin_addr.s_addr == b.sin_addr.s_addr && a.sin_port == b.sin_port;
}
} // namespace

bool socketPair(Socket pair[2], QString* error)
{
    startWinsock();
    SOCKET listener = newTcpSocket();
    SOCKET client = newTcpSocket();
    SOCKET server = INVALID_SOCKET;
    auto fail = [&](const char* what) {
        *error = QStringLiteral("%1: %2").arg(QLatin1String(what), errorText(WSAGetLastError()));
        for (SOCKET s : {listener, client, server}) {
            if (s != INVALID_SOCKET)
                closesocket(s);
        }
        return false;
    };
    if (listener == INVALID_SOCKET || client == INVALID_SOCKET)
        return fail("socket");
    sockaddr_in address = {};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0; // any free port
    int length = sizeof address;
    // Exclusive: no other program can bind the same port and take the connection.
    const BOOL yes = TRUE;
    setsockopt(listener, SOL_SOCKET, SO_EXCLUSIVEADDRUSE, reinterpret_cast<const char*>(&yes),
               sizeof yes);
    if (bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) != 0 ||
        listen(listener, 1) != 0)
        return fail("listen on 127.0.0.1");
    if (connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0)
        return fail("connect to 127.0.0.1");
    server = accept(listener, nullptr, nullptr);
    if (server == INVALID_SOCKET)
        return fail("accept on 127.0.0.1");
    // Another local program could have connected first: the accepted end must be our client.
    sockaddr_in clientAddress = {};
    sockaddr_in peerAddress = {};
    int clientLength = sizeof clientAddress;
    int peerLength = sizeof peerAddress;
    if (getsockname(client, reinterpret_cast<sockaddr*>(&clientAddress), &clientLength) != 0 ||
        getpeername(server, reinterpret_cast<sockaddr*>(&peerAddress), &peerLength) != 0 ||
        !sameAddress(clientAddress, peerAddress)) {
        WSASetLastError(WSAECONNREFUSED);
        return fail("a stranger connected to the socket pair's listener");
    }
    closesocket(listener);
    // Small SSH packets go at once, as over a Unix socket pair.
    for (SOCKET s : {client, server})
        setsockopt(s, IPPROTO_TCP, TCP_NODELAY, reinterpret_cast<const char*>(&yes), sizeof yes);
    pair[0] = Socket(server);
    pair[1] = Socket(client);
    return true;
}

void setNonBlocking(Socket socket)
{
    u_long on = 1;
    ioctlsocket(SOCKET(socket), FIONBIO, &on);
}

namespace {
qint64 transferred(int result)
{
    if (result >= 0)
        return qint64(result);
    const int code = WSAGetLastError();
    return code == WSAEWOULDBLOCK || code == WSAEINTR ? WouldBlock : SocketError;
}
} // namespace

qint64 socketRead(Socket socket, char* buffer, qint64 size)
{
    return transferred(recv(SOCKET(socket), buffer, int(qMin<qint64>(size, INT_MAX)), 0));
}

qint64 socketWrite(Socket socket, const char* data, qint64 size)
{
    return transferred(send(SOCKET(socket), data, int(qMin<qint64>(size, INT_MAX)), 0));
}

void shutdownSending(Socket socket)
{
    shutdown(SOCKET(socket), SD_SEND);
}

void closeSocket(Socket socket)
{
    closesocket(SOCKET(socket));
}

void waitForSockets(Socket socket, bool orWritable, Socket other, int timeoutMs)
{
    WSAPOLLFD fds[2] = {{SOCKET(socket), short(POLLRDNORM | (orWritable ? POLLWRNORM : 0)), 0},
                        {SOCKET(other), POLLRDNORM, 0}};
    WSAPoll(fds, 2, timeoutMs);
}

void enableTcpKeepalive(Socket socket, int idleSeconds, int intervalSeconds, int count)
{
    // Windows (before 10 1709's TCP_KEEPCNT, which MinGW-w64 does not declare) sets the idle
    // time and the interval in one call, in milliseconds; it gives up after 10 probes.
    Q_UNUSED(count);
    tcp_keepalive values = {1, ULONG(idleSeconds) * 1000, ULONG(intervalSeconds) * 1000};
    DWORD returned = 0;
    WSAIoctl(SOCKET(socket), SIO_KEEPALIVE_VALS, &values, sizeof values, nullptr, 0, &returned,
             nullptr, nullptr);
}

// --- The terminal ---

namespace {
HANDLE standardHandle(Stream stream)
{
    switch (stream) {
    case Stream::Input:
        return GetStdHandle(STD_INPUT_HANDLE);
    case Stream::Output:
        return GetStdHandle(STD_OUTPUT_HANDLE);
    case Stream::Error:
        return GetStdHandle(STD_ERROR_HANDLE);
    }
    return INVALID_HANDLE_VALUE;
}
} // namespace

bool isTerminal(Stream stream)
{
    // A console answers GetConsoleMode; a pipe or a file does not (so a terminal that talks
    // through pipes, as MSYS2's mintty, counts as none, as a pipe does on POSIX).
    DWORD mode = 0;
    const HANDLE handle = standardHandle(stream);
    return handle && handle != INVALID_HANDLE_VALUE && GetConsoleMode(handle, &mode);
}

namespace {

// Ctrl-C, Ctrl-Break or the console's window closed while echo is off would leave the console
// blind. The handler (on a thread Windows starts for it) puts the mode back and returns FALSE,
// so that the next handler, in the end Windows' default one, ends the process as it would have.
DWORD echoingMode = 0;

BOOL WINAPI restoreEcho(DWORD)
{
    SetConsoleMode(GetStdHandle(STD_INPUT_HANDLE), echoingMode);
    return FALSE;
}

} // namespace

struct TerminalEchoOff::Saved
{
    HANDLE input = nullptr;
};

TerminalEchoOff::TerminalEchoOff()
{
    const HANDLE input = GetStdHandle(STD_INPUT_HANDLE);
    if (!input || input == INVALID_HANDLE_VALUE || !GetConsoleMode(input, &echoingMode)) {
        return;
    }
    m_saved = std::make_unique<Saved>();
    m_saved->input = input;
    SetConsoleCtrlHandler(restoreEcho, TRUE);
    SetConsoleMode(input, echoingMode & ~DWORD(ENABLE_ECHO_INPUT));
}

TerminalEchoOff::~TerminalEchoOff()
{
    if (!m_saved) {
        return;
    }
    SetConsoleMode(m_saved->input, echoingMode);
    SetConsoleCtrlHandler(restoreEcho, FALSE);
}

} // namespace myst::platform
