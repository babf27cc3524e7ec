#include "core/ssh/UploadBlocks.h"

#include <algorithm>

namespace myst {

void UploadBlocks::markDone(qint64 offset, qint64 length)
{
    qint64 start = qBound(qint64(0), offset, m_size);
    qint64 end = qBound(start, offset + length, m_size);
    if (start == end)
        return;
    // Merge with every range it touches.
    auto it = m_done.upperBound(start);
    if (it != m_done.begin()) {
        auto before = std::prev(it);
        if (before.value() >= start)
            it = before;
    }
    while (it != m_done.end() && it.key() <= end) {
        start = std::min(start, it.key());
        end = std::max(end, it.value());
        m_doneBytes -= it.value() - it.key();
        it = m_done.erase(it);
    }
    m_done.insert(start, end);
    m_doneBytes += end - start;
}

void UploadBlocks::plan()
{
    m_todo.clear();
    qint64 at = 0;
    const auto addGap = [this](qint64 from, qint64 to) {
        for (qint64 o = from; o < to; o += m_blockBytes)
            m_todo.push_back({o, std::min(m_blockBytes, to - o)});
    };
    for (auto it = m_done.cbegin(); it != m_done.cend(); ++it) {
        addGap(at, it.key());
        at = it.value();
    }
    addGap(at, m_size);
}

std::optional<UploadBlock> UploadBlocks::takeNext()
{
    if (m_todo.empty())
        return std::nullopt;
    const UploadBlock block = m_todo.front();
    m_todo.pop_front();
    return block;
}

void UploadBlocks::giveBack(const UploadBlock& block)
{
    const auto at = std::lower_bound(
        m_todo.begin(), m_todo.end(), block,
        [](const UploadBlock& a, const UploadBlock& b) { return a.offset < b.offset; });
    m_todo.insert(at, block);
}

qint64 UploadBlocks::completePrefix() const
{
    if (m_done.isEmpty() || m_done.firstKey() != 0)
        return 0;
    return m_done.first();
}

} // namespace myst
