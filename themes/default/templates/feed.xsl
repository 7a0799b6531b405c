<?xml version="1.0" encoding="UTF-8"?>
{# Shows an RSS or Atom feed as a page to people who open it in a browser; feed readers never
   read this. XSLT 1.0, as browsers run it. Site values come from Jinja, feed values from XPath. #}
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
                xmlns:atom="http://www.w3.org/2005/Atom" exclude-result-prefixes="atom">
<xsl:output method="html" encoding="UTF-8" indent="yes" doctype-system="about:legacy-compat"/>

<xsl:variable name="is-atom" select="boolean(/atom:feed)"/>
<xsl:variable name="title" select="/rss/channel/title | /atom:feed/atom:title"/>
<xsl:variable name="description" select="/rss/channel/description | /atom:feed/atom:subtitle"/>
<xsl:variable name="self" select="/rss/channel/atom:link[@rel='self']/@href | /atom:feed/atom:link[@rel='self']/@href"/>
<xsl:variable name="home" select="/rss/channel/link | /atom:feed/atom:link[@rel='alternate']/@href"/>
<xsl:variable name="entries" select="/rss/channel/item | /atom:feed/atom:entry"/>

<xsl:template match="/">
<html lang="{{ site.language }}">
<head>
<meta charset="utf-8"/>
<meta name="viewport" content="width=device-width, initial-scale=1"/>
<meta name="robots" content="noindex"/>
<title><xsl:value-of select="$title"/> (web feed)</title>
<link rel="stylesheet" href="{{ 'static/css/style.css' | url }}"/>
<link rel="icon" href="{{ 'static/favicon.svg' | url }}" type="image/svg+xml"/>
</head>
<body>
<header class="site-header">
  <div class="wrap header-inner">
    <a class="brand" href="{{ '' | url }}">
      <span class="brand-mark" aria-hidden="true">¶</span>
      <span class="brand-name">{{ site.title }}</span>
    </a>
    <nav class="site-nav" aria-label="Main">
      <ul>
        <li><a href="{{ 'archive/' | url }}">Archive</a></li>
        <li><a href="{{ 'subscribe/' | url }}">Subscribe</a></li>
      </ul>
    </nav>
  </div>
</header>
<main id="main" class="wrap feed-preview">
  <header class="listing-header">
    <p class="kicker"><xsl:choose><xsl:when test="$is-atom">Atom</xsl:when><xsl:otherwise>RSS</xsl:otherwise></xsl:choose> feed</p>
    <h1><xsl:value-of select="$title"/></h1>
    <p class="teaser">
      <xsl:choose>
        <xsl:when test="$is-atom"><xsl:value-of select="$description"/></xsl:when>
        <xsl:otherwise><xsl:call-template name="unescape"><xsl:with-param name="text" select="$description"/></xsl:call-template></xsl:otherwise>
      </xsl:choose>
    </p>
  </header>
  <section class="feed-explainer" aria-labelledby="what-title">
    <h2 id="what-title">This is a web feed</h2>
    <p>A feed lets a <strong>feed reader</strong> (NetNewsWire, Feedly, Inoreader, Thunderbird …) check
      this site for you and show every new entry as it is published: no account, no algorithm, no email.
      To subscribe, copy this address into your reader:</p>
    <p class="feed-url-row"><code class="feed-url"><xsl:value-of select="$self"/></code></p>
    <p>Every feed of the site, and how to get each issue by email, is on the
      <a href="{{ 'subscribe/' | url }}">subscribe page</a>. Or just <a href="{$home}">visit the website</a>.</p>
  </section>
  <h2><xsl:value-of select="count($entries)"/> latest entries</h2>
  <xsl:for-each select="$entries">
    <article class="paper-card">
      <p class="kicker">
        <xsl:choose>
          <xsl:when test="$is-atom"><xsl:value-of select="substring(atom:updated, 1, 10)"/></xsl:when>
          <xsl:otherwise><xsl:value-of select="substring(pubDate, 6, 11)"/></xsl:otherwise>
        </xsl:choose>
      </p>
      <h3>
        <a href="{link | atom:link[not(@rel) or @rel='alternate']/@href}"><xsl:value-of select="title | atom:title"/></a>
      </h3>
      <xsl:choose>
        <xsl:when test="$is-atom"><p><xsl:value-of select="atom:summary"/></p></xsl:when>
        <xsl:otherwise>
          <p><xsl:call-template name="unescape"><xsl:with-param name="text" select="description"/></xsl:call-template></p>
        </xsl:otherwise>
      </xsl:choose>
    </article>
  </xsl:for-each>
</main>
<footer class="site-footer">
  <div class="wrap footer-inner">
    <p>{{ site.description }}</p>
  </div>
</footer>
</body>
</html>
</xsl:template>

<!-- An RSS description is escaped HTML (&amp; &lt; &gt;) of plain text: show it as that text. -->
<xsl:template name="unescape">
  <xsl:param name="text"/>
  <xsl:call-template name="replace">
    <xsl:with-param name="text">
      <xsl:call-template name="replace">
        <xsl:with-param name="text">
          <xsl:call-template name="replace">
            <xsl:with-param name="text" select="$text"/>
            <xsl:with-param name="from" select="'&amp;lt;'"/>
            <xsl:with-param name="to" select="'&lt;'"/>
          </xsl:call-template>
        </xsl:with-param>
        <xsl:with-param name="from" select="'&amp;gt;'"/>
        <xsl:with-param name="to" select="'&gt;'"/>
      </xsl:call-template>
    </xsl:with-param>
    <xsl:with-param name="from" select="'&amp;amp;'"/>
    <xsl:with-param name="to" select="'&amp;'"/>
  </xsl:call-template>
</xsl:template>

<xsl:template name="replace">
  <xsl:param name="text"/>
  <xsl:param name="from"/>
  <xsl:param name="to"/>
  <xsl:choose>
    <xsl:when test="contains($text, $from)">
      <xsl:value-of select="substring-before($text, $from)"/>
      <xsl:value-of select="$to"/>
      <xsl:call-template name="replace">
        <xsl:with-param name="text" select="substring-after($text, $from)"/>
        <xsl:with-param name="from" select="$from"/>
        <xsl:with-param name="to" select="$to"/>
      </xsl:call-template>
    </xsl:when>
    <xsl:otherwise><xsl:value-of select="$text"/></xsl:otherwise>
  </xsl:choose>
</xsl:template>

</xsl:stylesheet>
