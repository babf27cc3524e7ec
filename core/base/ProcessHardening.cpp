#include "core/base/ProcessHardening.h"

#include "core/base/Platform.h"

namespace myst {

void hardenProcess()
{
    platform::disableCoreDumps();
    platform::restrictNewFilesToOwner();
}

} // namespace myst
