// The store's numbered parameters in PostgreSQL's spelling: "?1", "?2", ... become "$1", "$2",
// ... wherever they are SQL tokens. Text that is not SQL code is copied unchanged: string
// literals ('...' with '' escapes, E'...' with backslash escapes), quoted identifiers ("..."),
// comments (-- to the end of the line, /* ... */, which nest in PostgreSQL) and dollar-quoted
// strings ($$...$$, $tag$...$tag$).
//
// A "?" not followed by a parameter number (1 to 65535) is an error (kInternal): PostgreSQL's
// jsonb operators "?", "?|" and "?&" cannot be written in the store's SQL (use jsonb_exists()).
// Pure function, thread-safe.
#ifndef PARLEY_STORE_POSTGRES_PG_PARAMETERS_H_
#define PARLEY_STORE_POSTGRES_PG_PARAMETERS_H_

#include <string>
#include <string_view>

#include "base/status.h"

namespace parley::store::postgres {

struct PgSql {
  std::string text;         // the statement with "$N" parameters
  int parameter_count = 0;  // the highest N it names (0: none)
};

Result<PgSql> RewriteParameters(std::string_view sql);

}  // namespace parley::store::postgres

#endif  // PARLEY_STORE_POSTGRES_PG_PARAMETERS_H_
