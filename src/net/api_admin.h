// Routes under /api/v1/admin: system notices and the server-admin role.
#ifndef PARLEY_NET_API_ADMIN_H_
#define PARLEY_NET_API_ADMIN_H_

#include "net/api_routes.h"

namespace parley::net {

RouteResult HandleAdminApi(const Request& request, const Segments& path, const auth::Principal& me,
                           Context& context);

}  // namespace parley::net

#endif  // PARLEY_NET_API_ADMIN_H_
