// The group routes of the HTTP API: /api/v1/groups/... (docs/protocol.md, "Groups").
// A FeatureRoutes handler (net/api_routes.h): answers its routes, nullopt for any other path.
#ifndef PARLEY_NET_API_GROUPS_H_
#define PARLEY_NET_API_GROUPS_H_

#include "net/api_routes.h"

namespace parley::net {

RouteResult HandleGroupApi(const Request& request, const Segments& path, const auth::Principal& me,
                           Context& context, const Query& query);

}  // namespace parley::net

#endif  // PARLEY_NET_API_GROUPS_H_
