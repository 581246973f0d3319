// The "?N" -> "$N" rewriting of the PostgreSQL driver (store/postgres/pg_parameters.h): SQL
// code is rewritten, literals, identifiers, comments and dollar quotes are not.
#include "store/postgres/pg_parameters.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace parley::store::postgres {
namespace {

struct Rewrite {
  std::string sql;
  std::string expected;
  int parameter_count;
};

void PrintTo(const Rewrite& rewrite, std::ostream* os) { *os << '"' << rewrite.sql << '"'; }

class RewriteTest : public testing::TestWithParam<Rewrite> {};

TEST_P(RewriteTest, RewritesOnlySqlCode) {
  Result<PgSql> out = RewriteParameters(GetParam().sql);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->text, GetParam().expected);
  EXPECT_EQ(out->parameter_count, GetParam().parameter_count);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, RewriteTest,
    testing::Values(
        Rewrite{"SELECT 1", "SELECT 1", 0},
        Rewrite{"SELECT a FROM t WHERE b = ?1 AND c = ?2",
                "SELECT a FROM t WHERE b = $1 AND c = $2", 2},
        Rewrite{"SELECT ?3,?1", "SELECT $3,$1", 3}, Rewrite{"SELECT ?12", "SELECT $12", 12},
        Rewrite{"SELECT ?1+?1", "SELECT $1+$1", 1},
        Rewrite{"SELECT '?1', ?1", "SELECT '?1', $1", 1},
        Rewrite{"SELECT 'it''s ?1', ?2", "SELECT 'it''s ?1', $2", 2},
        Rewrite{"SELECT E'\\' ?1', ?2", "SELECT E'\\' ?1', $2", 2},
        Rewrite{"SELECT e'a\\\\', ?1", "SELECT e'a\\\\', $1", 1},
        // Not an escape string: the E ends an identifier, so the backslash is plain.
        Rewrite{"SELECT x FROM the'\\', ?1", "SELECT x FROM the'\\', $1", 1},
        Rewrite{"SELECT \"odd ?1 \"\" name\", ?2", "SELECT \"odd ?1 \"\" name\", $2", 2},
        Rewrite{"SELECT ?1 -- ?2 is a comment\n, ?3", "SELECT $1 -- ?2 is a comment\n, $3", 3},
        Rewrite{"SELECT 1 -- ?9", "SELECT 1 -- ?9", 0},
        Rewrite{"SELECT /* ?1 /* nested ?2 */ still ?3 */ ?4",
                "SELECT /* ?1 /* nested ?2 */ still ?3 */ $4", 4},
        Rewrite{"SELECT $$ ?1 ' \" $$, ?2", "SELECT $$ ?1 ' \" $$, $2", 2},
        Rewrite{"SELECT $fn$ ?1 $$ ?2 $fn$, ?3", "SELECT $fn$ ?1 $$ ?2 $fn$, $3", 3},
        Rewrite{"SELECT $1, ?2", "SELECT $1, $2", 2},    // $1 stays as written
        Rewrite{"SELECT a$b, ?1", "SELECT a$b, $1", 1},  // $ inside an identifier
        Rewrite{"SELECT '?1", "SELECT '?1", 0},          // unterminated: the server says so
        Rewrite{"SELECT 'x' -- end", "SELECT 'x' -- end", 0},
        Rewrite{"SELECT ?65535", "SELECT $65535", 65535},
        Rewrite{"SELECT '中文 ?1 😀', ?1", "SELECT '中文 ?1 😀', $1", 1}, Rewrite{"", "", 0}));

class RejectTest : public testing::TestWithParam<std::string> {};

TEST_P(RejectTest, RejectsUnnumberedOrOutOfRangeParameters) {
  Result<PgSql> out = RewriteParameters(GetParam());
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), Code::kInternal);
  EXPECT_TRUE(out.status().message().starts_with("postgres: ")) << out.status().message();
}

INSTANTIATE_TEST_SUITE_P(Cases, RejectTest,
                         testing::Values("SELECT ?", "SELECT ?1, ?", "SELECT ? + 1",
                                         "SELECT data ? 'key' FROM t", "SELECT ?0", "SELECT ?65536",
                                         "SELECT ?99999999999999999999", "SELECT ?a"));

TEST(RewriteMessage, NamesTheBareQuestionMark) {
  Result<PgSql> out = RewriteParameters("SELECT a FROM t WHERE b = ?");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("bare \"?\""), std::string::npos) << out.status().message();
}

}  // namespace
}  // namespace parley::store::postgres
