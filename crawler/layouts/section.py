"""Section listing pages (`/<section>.htm`, `/<section>/trang-<n>.htm`)."""

# Links to articles in the story list; the fallback is every link of the main column whose URL is
# an article URL (crawler.urls), so a renamed class costs no articles.
STORY_TITLES = ".story-list .story__title a"
STORY_LINKS = ".story-list .story__title a::attr(href), .story-list .story__thumb::attr(href)"
FALLBACK_LINKS = "main a::attr(href), .main-col a::attr(href), body a::attr(href)"
NEXT_PAGE = ".pagination a[rel=next]::attr(href), .pagination a.next::attr(href)"
