// The transport's event loop on libcurl's socket interface; see include/curl_loop.h.
#define _GNU_SOURCE  // pthread_setname_np
#include "curl_loop.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    CURL *easy;
    void *token;
} studio_curl_job;

struct studio_curl_loop {
    CURLM *multi;
    studio_curl_done done;
    int max_in_flight;
    int in_flight;          // the loop thread's alone
    int64_t deadline_ms;    // libcurl's timer, on the monotonic clock; -1 when none (the loop thread's alone)
    // fds[0] is the wake-up eventfd; the rest are the sockets libcurl asked for (the loop thread's alone)
    struct pollfd *fds;
    int nfds, fds_capacity;
    // The queue of submitted transfers not yet handed to libcurl, guarded by `lock`
    pthread_mutex_t lock;
    studio_curl_job *queue;
    size_t queue_head, queue_count, queue_capacity;
    // Set by the loop (under `lock`) before it sleeps in poll while it could take more transfers; a submitter that
    // finds it set clears it and writes the eventfd once, so a burst of submissions costs one write
    int sleeping;
};

static int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int timer_callback(CURLM *multi, long timeout_ms, void *userp) {
    (void)multi;
    studio_curl_loop *loop = userp;
    loop->deadline_ms = timeout_ms < 0 ? -1 : now_ms() + timeout_ms;
    return 0;
}

static int socket_callback(CURL *easy, curl_socket_t s, int what, void *userp, void *socketp) {
    (void)easy;
    (void)socketp;
    studio_curl_loop *loop = userp;
    int index = -1;
    for (int i = 1; i < loop->nfds; i++) {
        if (loop->fds[i].fd == s) { index = i; break; }
    }
    if (what == CURL_POLL_REMOVE) {
        if (index > 0) {
            loop->fds[index] = loop->fds[loop->nfds - 1];
            loop->nfds--;
        }
        return 0;
    }
    short events = 0;
    if (what == CURL_POLL_IN || what == CURL_POLL_INOUT) events |= POLLIN;
    if (what == CURL_POLL_OUT || what == CURL_POLL_INOUT) events |= POLLOUT;
    if (index < 0) {
        if (loop->nfds == loop->fds_capacity) {
            int capacity = loop->fds_capacity * 2;
            struct pollfd *grown = realloc(loop->fds, sizeof(struct pollfd) * (size_t)capacity);
            if (!grown) return -1;  // libcurl fails this transfer
            loop->fds = grown;
            loop->fds_capacity = capacity;
        }
        index = loop->nfds++;
        loop->fds[index].fd = s;
    }
    loop->fds[index].events = events;
    loop->fds[index].revents = 0;
    return 0;
}

/// Hands finished transfers back to their owners.
static void collect_finished(studio_curl_loop *loop) {
    CURLMsg *message;
    int left;
    while ((message = curl_multi_info_read(loop->multi, &left))) {
        if (message->msg != CURLMSG_DONE) continue;
        CURL *easy = message->easy_handle;
        CURLcode code = message->data.result;
        void *token = NULL;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&token);
        curl_multi_remove_handle(loop->multi, easy);
        loop->in_flight--;
        loop->done(token, (int)code);
    }
}

/// Moves queued transfers into the multi handle while fewer than the limit are in flight.
static void start_queued(studio_curl_loop *loop) {
    studio_curl_job taken[64];
    for (;;) {
        size_t room = (size_t)(loop->max_in_flight - loop->in_flight);
        if (room == 0) return;
        if (room > 64) room = 64;
        size_t count = 0;
        pthread_mutex_lock(&loop->lock);
        while (count < room && loop->queue_head < loop->queue_count) taken[count++] = loop->queue[loop->queue_head++];
        if (loop->queue_head == loop->queue_count) loop->queue_head = loop->queue_count = 0;
        pthread_mutex_unlock(&loop->lock);
        if (count == 0) return;
        for (size_t i = 0; i < count; i++) {
            if (curl_multi_add_handle(loop->multi, taken[i].easy) != CURLM_OK) {
                loop->done(taken[i].token, (int)CURLE_OUT_OF_MEMORY);
                continue;
            }
            loop->in_flight++;
        }
    }
}

static void *run(void *argument) {
    studio_curl_loop *loop = argument;
    struct pollfd ready[256];
    for (;;) {
        start_queued(loop);
        int timeout = -1, slept = 0;
        if (loop->deadline_ms >= 0) {
            int64_t wait = loop->deadline_ms - now_ms();
            timeout = wait < 0 ? 0 : (wait > 60000 ? 60000 : (int)wait);
        }
        if (timeout != 0) {
            pthread_mutex_lock(&loop->lock);
            if (loop->in_flight < loop->max_in_flight) {
                if (loop->queue_head < loop->queue_count) timeout = 0;  // submitted since start_queued
                else loop->sleeping = slept = 1;
            }
            pthread_mutex_unlock(&loop->lock);
        }
        int result = poll(loop->fds, (nfds_t)loop->nfds, timeout);
        if (slept) {
            pthread_mutex_lock(&loop->lock);
            loop->sleeping = 0;
            pthread_mutex_unlock(&loop->lock);
        }
        if (result < 0 && errno != EINTR) {
            // Nothing to do but try again; a bad descriptor is libcurl's to report through its transfer
            struct timespec pause = {0, 1000000};
            nanosleep(&pause, NULL);
        }
        int running = 0;
        if (result > 0) {
            if (loop->fds[0].revents & POLLIN) {
                uint64_t value;
                ssize_t n = read(loop->fds[0].fd, &value, sizeof value);
                (void)n;
            }
            // The socket callback changes `fds` while libcurl acts, so act on a copy of what was ready
            int count = 0;
            for (int i = 1; i < loop->nfds && count < 256; i++) {
                if (loop->fds[i].revents) ready[count++] = loop->fds[i];
            }
            for (int i = 0; i < count; i++) {
                int mask = 0;
                if (ready[i].revents & (POLLIN | POLLHUP)) mask |= CURL_CSELECT_IN;
                if (ready[i].revents & POLLOUT) mask |= CURL_CSELECT_OUT;
                if (ready[i].revents & (POLLERR | POLLNVAL)) mask |= CURL_CSELECT_ERR;
                curl_multi_socket_action(loop->multi, ready[i].fd, mask, &running);
            }
        }
        if (loop->deadline_ms >= 0 && now_ms() >= loop->deadline_ms) {
            loop->deadline_ms = -1;  // libcurl sets the next one from inside the call
            curl_multi_socket_action(loop->multi, CURL_SOCKET_TIMEOUT, 0, &running);
        }
        collect_finished(loop);
    }
    return NULL;
}

studio_curl_loop *studio_curl_loop_create(int max_in_flight, studio_curl_done done) {
    studio_curl_loop *loop = calloc(1, sizeof *loop);
    if (!loop) return NULL;
    loop->max_in_flight = max_in_flight < 1 ? 1 : max_in_flight;
    loop->done = done;
    loop->deadline_ms = -1;
    loop->fds_capacity = 16;
    loop->fds = calloc((size_t)loop->fds_capacity, sizeof(struct pollfd));
    loop->multi = curl_multi_init();
    int wake = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (!loop->fds || !loop->multi || wake < 0) goto fail;
    loop->fds[0].fd = wake;
    loop->fds[0].events = POLLIN;
    loop->nfds = 1;
    pthread_mutex_init(&loop->lock, NULL);
    curl_multi_setopt(loop->multi, CURLMOPT_SOCKETFUNCTION, socket_callback);
    curl_multi_setopt(loop->multi, CURLMOPT_SOCKETDATA, loop);
    curl_multi_setopt(loop->multi, CURLMOPT_TIMERFUNCTION, timer_callback);
    curl_multi_setopt(loop->multi, CURLMOPT_TIMERDATA, loop);
    // Keep a connection per transfer in flight and some to spare (the default sizes the cache by the handles
    // added at the moment, and each transfer's handle leaves the multi handle when it ends).
    curl_multi_setopt(loop->multi, CURLMOPT_MAXCONNECTS, (long)(loop->max_in_flight * 2 + 4));
    pthread_t thread;
    pthread_attr_t attributes;
    pthread_attr_init(&attributes);
    pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
    int started = pthread_create(&thread, &attributes, run, loop);
    pthread_attr_destroy(&attributes);
    if (started != 0) goto fail;
    pthread_setname_np(thread, "curl-loop");
    return loop;
fail:
    if (wake >= 0) close(wake);
    if (loop->multi) curl_multi_cleanup(loop->multi);
    free(loop->fds);
    free(loop);
    return NULL;
}

int studio_curl_loop_submit(studio_curl_loop *loop, CURL *easy, void *token) {
    curl_easy_setopt(easy, CURLOPT_PRIVATE, token);
    pthread_mutex_lock(&loop->lock);
    if (loop->queue_count == loop->queue_capacity) {
        // Move what is left to the front, then grow if still full
        if (loop->queue_head > 0) {
            memmove(loop->queue, loop->queue + loop->queue_head, sizeof(studio_curl_job) * (loop->queue_count - loop->queue_head));
            loop->queue_count -= loop->queue_head;
            loop->queue_head = 0;
        }
        if (loop->queue_count == loop->queue_capacity) {
            size_t capacity = loop->queue_capacity ? loop->queue_capacity * 2 : 64;
            studio_curl_job *grown = realloc(loop->queue, sizeof(studio_curl_job) * capacity);
            if (!grown) {
                pthread_mutex_unlock(&loop->lock);
                return -1;
            }
            loop->queue = grown;
            loop->queue_capacity = capacity;
        }
    }
    loop->queue[loop->queue_count++] = (studio_curl_job){easy, token};
    int wake = loop->sleeping;
    loop->sleeping = 0;
    pthread_mutex_unlock(&loop->lock);
    if (wake) {
        uint64_t one = 1;
        ssize_t n = write(loop->fds[0].fd, &one, sizeof one);
        (void)n;
    }
    return 0;
}
