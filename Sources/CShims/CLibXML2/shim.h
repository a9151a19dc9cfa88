#pragma once
// Debian builds libxml2 with ICU, so its encoding.h includes ICU's headers, which clash with the ICU copy inside
// Swift's Foundation. bookvox never touches the ICU members of libxml2's encoding handler (only pointers to it),
// so the ICU part of the headers is left out.
#include <libxml/xmlversion.h>
#undef LIBXML_ICU_ENABLED
#include <libxml/parser.h>
#include <libxml/HTMLparser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
