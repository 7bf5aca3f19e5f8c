#pragma once
// The name reviews and approvals are recorded under when the person gives none: the login name,
// the same for the Studio and the CLI.

#include <string>

namespace backdrop {

// $USER, else $LOGNAME, else the account's name, else "reviewer".
std::string login_name();

}  // namespace backdrop
