// Bus messages for the codec's tests and the fuzz target's seeds: one of every event kind and
// every control message, every field of everything they carry set to a value of its own that
// is not its default (distinct numbers of both signs, the extremes of int64, texts naming
// their field), so a field the codec dropped or swapped cannot round-trip.
#ifndef PARLEY_TESTS_CLUSTER_BUS_SAMPLES_H_
#define PARLEY_TESTS_CLUSTER_BUS_SAMPLES_H_

#include <cstdint>
#include <vector>

#include "chat/fanout/events.h"
#include "cluster/bus_message.h"
#include "store/types.h"

namespace parley::cluster::testing {

store::Message FullMessage(store::MessageKind kind);
store::User FullUser();

// One event of each kind, in chat::Event's order.
std::vector<chat::Event> EveryEvent();

// Every control message (every BusBody but Published), with non-default fields.
std::vector<BusBody> EveryControlBody();

// A Published of `event` to `audience`, with a non-default header.
BusMessage PublishedMessage(chat::Event event, std::vector<int64_t> audience);

// A 20-byte text message in a group of 3, as the domain commits it, to its 3 members.
BusMessage TypicalTextMessage();

// Every event (to a 3-user audience) and every control message: the messages the tests
// truncate and corrupt, and the fuzz target's seeds.
std::vector<BusMessage> EveryMessage();

}  // namespace parley::cluster::testing

#endif  // PARLEY_TESTS_CLUSTER_BUS_SAMPLES_H_
