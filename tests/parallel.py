"""Parallel requests against a real server (the `server` fixture), for tests of races."""

import threading
import urllib.error
import urllib.parse
import urllib.request


def in_parallel(count, request):
    """Run `request()` from `count` threads released at the same moment; returns their results."""
    return each_in_parallel([request] * count)


def each_in_parallel(calls):
    """Run each of `calls` in its own thread, all released at the same moment; returns their results."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index):
        barrier.wait()
        results[index] = calls[index]()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def post(url, data, cookie=""):
    """A form POST that does not follow redirects; returns the status."""
    body = urllib.parse.urlencode(data).encode()
    request = urllib.request.Request(url, data=body, headers={"Cookie": cookie})
    try:
        with urllib.request.build_opener(NoRedirect).open(request) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def session_cookie(url):
    """The session cookie a browser holds after loading the page at `url`."""
    with urllib.request.urlopen(url) as response:
        return response.headers["Set-Cookie"].split(";")[0]
