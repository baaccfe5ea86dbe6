/**
 * The one error format of /api/v1 (see docs/api.md):
 * { "error": { "code": "E_…", "message": "…", "details": [...]? , "data": {...}? } }
 */
export function apiError(
  code: string,
  message: string,
  details?: unknown,
  data?: Record<string, unknown>
) {
  return {
    error: {
      code,
      message,
      ...(details !== undefined ? { details } : {}),
      ...(data && Object.keys(data).length ? { data } : {}),
    },
  }
}
