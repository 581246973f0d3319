// XEP-0313 queries as the server reads them (mam_query.h) and XEP-0082 date-times
// (xmpp_time.h): table-driven, with the hostile inputs each must refuse.
#include "xmpp/mam_query.h"

#include <gtest/gtest.h>

#include "xmpp/xml_stream_reader.h"
#include "xmpp/xmpp_time.h"

namespace parley::xmpp {
namespace {

constexpr std::string_view kHeader =
    "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>";

// The <query/> of an iq, parsed by the stream reader as the session gets it.
XmlElement Query(std::string_view inside) {
  XmlStreamReader reader{XmlLimits{}};
  (void)reader.Feed(kHeader, 0);
  FeedResult result =
      reader.Feed("<iq type='set' id='q'><query xmlns='urn:xmpp:mam:2' queryid='f27'>" +
                      std::string(inside) + "</query></iq>",
                  0);
  auto* events = std::get_if<std::vector<XmlEvent>>(&result);
  EXPECT_TRUE(events != nullptr && events->size() == 1);
  if (events == nullptr || events->empty()) return {};
  return std::get<xml_events::Stanza>(events->front()).element.children.front();
}

std::string Form(std::string_view fields) {
  return "<x xmlns='jabber:x:data' type='submit'><field var='FORM_TYPE' type='hidden'>"
         "<value>urn:xmpp:mam:2</value></field>" +
         std::string(fields) + "</x>";
}

std::string Field(std::string_view var, std::string_view value) {
  return "<field var='" + std::string(var) + "'><value>" + std::string(value) + "</value></field>";
}

std::string Set(std::string_view inside) {
  return "<set xmlns='http://jabber.org/protocol/rsm'>" + std::string(inside) + "</set>";
}

const std::string kWithBob = Field("with", "bob@example.org");

TEST(XmppTime, ParsesXep0082DateTimes) {
  EXPECT_EQ(ParseDateTime("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseDateTime("2010-07-10T23:08:25Z"), 1278803305000);
  EXPECT_EQ(ParseDateTime("2010-07-10T23:08:25.123456Z"), 1278803305123);
  EXPECT_EQ(ParseDateTime("2010-07-11T01:08:25+02:00"), 1278803305000);
  EXPECT_EQ(ParseDateTime("2010-07-10T20:08:25-03:00"), 1278803305000);
  EXPECT_EQ(ParseDateTime("2024-02-29T12:00:00Z"), 1709208000000);
  for (std::string_view bad :
       {"", "2010-07-10", "2010-07-10T23:08:25", "2010-07-10 23:08:25Z", "2010-13-10T23:08:25Z",
        "2023-02-29T12:00:00Z", "2010-07-10T24:00:00Z", "2010-07-10T23:60:00Z",
        "2010-07-10T23:08:25.Z", "2010-07-10T23:08:25Zjunk", "2010-07-10T23:08:25+2:00",
        "1969-12-31T23:59:59Z", "+2010-07-10T23:08:25Z", "2010-07-1OT23:08:25Z",
        "99999-07-10T23:08:25Z"}) {
    EXPECT_FALSE(ParseDateTime(bad).has_value()) << bad;
  }
}

TEST(XmppTime, FormatsUtcWithMillisecondsAndReadsItBack) {
  EXPECT_EQ(FormatDateTime(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatDateTime(1278803305123), "2010-07-10T23:08:25.123Z");
  for (int64_t at : {int64_t{1}, int64_t{1709208000000}, int64_t{4102444799999}}) {
    EXPECT_EQ(ParseDateTime(FormatDateTime(at)), at);
  }
}

TEST(MamQuery, ReadsTheFormAndTheResultSet) {
  Result<MamQuery> query =
      ParseMamQuery(Query(Form(kWithBob + Field("start", "2010-07-10T23:08:25Z") +
                               Field("end", "2010-07-11T00:00:00Z")) +
                          Set("<max>10</max><after>41</after>")));
  ASSERT_TRUE(query.ok()) << query.status().message();
  EXPECT_EQ(query->query_id, "f27");
  EXPECT_EQ(query->with.Bare(), "bob@example.org");
  EXPECT_EQ(query->start, 1278803305000);
  EXPECT_EQ(query->end, 1278806400000);
  EXPECT_EQ(query->max, 10);
  EXPECT_FALSE(query->backwards);
  EXPECT_EQ(query->after, 41);

  // <before/> empty: the last page; with a seq: the page before it.
  Result<MamQuery> last = ParseMamQuery(Query(Form(kWithBob) + Set("<before/>")));
  ASSERT_TRUE(last.ok());
  EXPECT_TRUE(last->backwards);
  EXPECT_FALSE(last->before.has_value());
  EXPECT_EQ(last->max, kMamMaxPage);
  Result<MamQuery> before = ParseMamQuery(Query(Form(kWithBob) + Set("<before>7</before>")));
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->before, 7);

  // A max over the page size is cut to it (RSM lets a server return fewer).
  Result<MamQuery> big = ParseMamQuery(Query(Form(kWithBob) + Set("<max>5000</max>")));
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->max, kMamMaxPage);
}

// Without `with`: the user's archive as a whole (the session refuses it) or a room's.
TEST(MamQuery, WithIsOptionalAndARoomsQueryHasNone) {
  Result<MamQuery> all = ParseMamQuery(Query(Form("") + Set("<max>5</max>")));
  ASSERT_TRUE(all.ok()) << all.status().message();
  EXPECT_TRUE(all->with.domain.empty());
  Result<MamQuery> room = ParseMamQuery(Query(Set("<before/>")), MamArchive::kRoom);
  ASSERT_TRUE(room.ok()) << room.status().message();
  EXPECT_TRUE(room->backwards);
  Result<MamQuery> filtered = ParseMamQuery(Query(Form(kWithBob)), MamArchive::kRoom);
  EXPECT_EQ(filtered.status().code(), Code::kInvalidArgument);
}

TEST(MamQuery, RefusesBadQueriesWithTheirCode) {
  struct Case {
    std::string name;
    std::string inside;
    Code code;
  };
  const std::vector<Case> cases = {
      {"unknown field", Form(kWithBob + Field("fulltext", "x")), Code::kInvalidArgument},
      {"other form type",
       "<x xmlns='jabber:x:data' type='submit'>" + Field("FORM_TYPE", "urn:xmpp:mam:1") + kWithBob +
           "</x>",
       Code::kInvalidArgument},
      {"form not submitted", "<x xmlns='jabber:x:data' type='form'>" + kWithBob + "</x>",
       Code::kInvalidArgument},
      {"with a full JID", Form(Field("with", "bob@example.org/phone")), Code::kInvalidArgument},
      {"with a server JID", Form(Field("with", "example.org")), Code::kInvalidArgument},
      {"with empty", Form(Field("with", "")), Code::kInvalidArgument},
      {"two values", Form("<field var='with'><value>a@b</value><value>c@d</value></field>"),
       Code::kInvalidArgument},
      {"bad start", Form(kWithBob + Field("start", "yesterday")), Code::kInvalidArgument},
      {"bad end", Form(kWithBob + Field("end", "2010-02-30T00:00:00Z")), Code::kInvalidArgument},
      {"start after end",
       Form(kWithBob + Field("start", "2011-01-01T00:00:00Z") +
            Field("end", "2010-01-01T00:00:00Z")),
       Code::kInvalidArgument},
      {"huge max", Form(kWithBob) + Set("<max>99999999999999999999</max>"), Code::kInvalidArgument},
      {"negative max", Form(kWithBob) + Set("<max>-1</max>"), Code::kInvalidArgument},
      {"max not a number", Form(kWithBob) + Set("<max>ten</max>"), Code::kInvalidArgument},
      {"before and after", Form(kWithBob) + Set("<before>9</before><after>3</after>"),
       Code::kInvalidArgument},
      {"index", Form(kWithBob) + Set("<index>3</index>"), Code::kInvalidArgument},
      {"after no seq", Form(kWithBob) + Set("<after>28482-98726</after>"), Code::kNotFound},
      {"before zero", Form(kWithBob) + Set("<before>0</before>"), Code::kNotFound},
      {"flip-page", Form(kWithBob) + "<flip-page/>", Code::kInvalidArgument},
      {"long queryid", "", Code::kInvalidArgument},
  };
  for (const Case& c : cases) {
    XmlElement query = Query(c.inside);
    if (c.name == "long queryid") {
      query = Query(Form(kWithBob));
      query.Set("queryid", std::string(300, 'q'));
    }
    Result<MamQuery> parsed = ParseMamQuery(query);
    ASSERT_FALSE(parsed.ok()) << c.name;
    EXPECT_EQ(parsed.status().code(), c.code) << c.name << ": " << parsed.status().message();
    EXPECT_FALSE(parsed.status().message().empty()) << c.name;
  }
}

}  // namespace
}  // namespace parley::xmpp
