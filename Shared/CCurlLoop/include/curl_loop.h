#ifndef STUDIO_CURL_LOOP_H
#define STUDIO_CURL_LOOP_H
// One thread that runs every transfer of a transport on libcurl's socket interface (curl_multi_socket_action):
// one poll over the sockets libcurl asks for and a wake-up eventfd, each ready socket handed back to libcurl with
// what it is ready for (so libcurl does not poll it again), at most `max_in_flight` transfers at once, the rest
// waiting in the order they were submitted. The connection cache belongs to the multi handle, so keep-alive
// connections are reused by every transfer.
#include <curl/curl.h>

typedef struct studio_curl_loop studio_curl_loop;

/// Called on the loop's thread when a transfer ends (its easy handle is no longer in the multi handle; the caller
/// owns it again): `code` is the transfer's result, CURLE_OK or the error.
typedef void (*studio_curl_done)(void *token, int code);

/// Starts the loop's thread. NULL when libcurl, the eventfd or the thread could not be created.
studio_curl_loop *studio_curl_loop_create(int max_in_flight, studio_curl_done done);

/// Queues a configured easy handle (thread-safe); `done(token, code)` is called once when it ends. Returns 0, or -1
/// when the queue could not grow (nothing was queued, `done` is not called).
int studio_curl_loop_submit(studio_curl_loop *loop, CURL *easy, void *token);

#endif
