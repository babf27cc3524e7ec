#pragma once

#include <QMap>
#include <QtGlobal>

#include <deque>
#include <optional>

namespace myst {

// A range of the file, sent as one unit: written at its offset on the host and recorded there
// once it is complete, so that it is the unit of resume and of work shared between channels.
struct UploadBlock
{
    qint64 offset = 0;
    qint64 length = 0;
};

// Which ranges of the file the host has, and the blocks still to send, lowest offset first:
// channels take the next one when they are free, and a dropped channel's blocks go back.
class UploadBlocks
{
public:
    UploadBlocks(qint64 size, qint64 blockBytes) : m_size(size), m_blockBytes(blockBytes) {}

    // What the host reported it has (before planning), or a block it confirmed.
    void markDone(qint64 offset, qint64 length);
    // Splits what is not done yet into blocks to send; call once the host's state is known.
    void plan();

    std::optional<UploadBlock> takeNext();
    void giveBack(const UploadBlock& block);

    qint64 size() const { return m_size; }
    qint64 doneBytes() const { return m_doneBytes; }
    // How far from the start the file is complete, without a gap: the host hashes up to there.
    qint64 completePrefix() const;
    bool complete() const { return m_doneBytes >= m_size; }

private:
    qint64 m_size;
    qint64 m_blockBytes;
    QMap<qint64, qint64> m_done; // start → end, merged, disjoint
    qint64 m_doneBytes = 0;
    std::deque<UploadBlock> m_todo;
};

} // namespace myst
