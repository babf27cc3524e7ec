#!/bin/sh
# Tomcat's ROOT context of the MyST image: / redirects to the console; anything else that is
# not deployed is Tomcat's 404 page.
uri=${REQUEST_URI:-/}
uri=${uri%%\?*}
now=$(date -u '+%a, %d %b %Y %H:%M:%S GMT')
case "$uri" in
/|/index.html|/index.jsp)
    printf 'HTTP/1.1 302 \r\nLocation: /console/\r\nContent-Length: 0\r\nDate: %s\r\nConnection: close\r\n\r\n' "$now"
    ;;
*)
    esc=$(printf '%s' "$uri" | sed 's|/|\&#47;|g; s|<|\&lt;|g; s|>|\&gt;|g')
    body=$(sed "s|<p><b>Description</b>|<p><b>Message</b> The requested resource [$esc] is not available</p><p><b>Description</b>|" /usr/local/tomcat/conf/404.html)
    printf 'HTTP/1.1 404 \r\nContent-Type: text/html;charset=utf-8\r\nContent-Language: en\r\nContent-Length: %d\r\nDate: %s\r\nConnection: close\r\n\r\n%s\n' "$(( $(printf '%s\n' "$body" | wc -c) ))" "$now" "$body"
    ;;
esac
