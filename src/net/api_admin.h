// Routes under /api/v1/admin: system notices, the server-admin role and the administration of
// accounts and reports (api_admin.cc). Every route but the setup claim needs a server admin.
#ifndef PARLEY_NET_API_ADMIN_H_
#define PARLEY_NET_API_ADMIN_H_

#include "net/api_routes.h"

namespace parley::net {

RouteResult HandleAdminApi(const Request& request, const Segments& path, const auth::Principal& me,
                           Context& context, const Query& query);

// POST /api/v1/reports: a user reports a message or a user (api_reports.cc).
RouteResult HandleReportApi(const Request& request, const Segments& path, const auth::Principal& me,
                            Context& context);

}  // namespace parley::net

#endif  // PARLEY_NET_API_ADMIN_H_
