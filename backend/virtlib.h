/* svff — libvirt (and libxml2, for its XML), loaded when svff first connects.
 *
 * libvirt and the 50 libraries it pulls in (TLS, SSH, GLib, ICU, ...) take
 * longer to map and relocate than svff takes to scan a host of a thousand
 * functions; linked normally they are loaded before main(), for every
 * command, before the console can draw.  Loaded from the thread that
 * connects, they load while the host is scanned.  Backend files that call
 * libvirt include this header, after which the calls go through the table
 * (the code reads as plain libvirt calls).
 */
#ifndef SVFF_VIRTLIB_H
#define SVFF_VIRTLIB_H

#include <libvirt/libvirt.h>
#include <libvirt/libvirt-qemu.h>
#include <libvirt/virterror.h>
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>

#include "svff/error.h"

#define SVFF_VIRTLIB_FUNCS(X) \
	X(virConnectClose) X(virConnectDomainEventDeregisterAny) \
	X(virConnectDomainEventRegisterAny) X(virConnectListAllDomains) X(virConnectOpen) \
	X(virConnectOpenReadOnly) X(virConnectRegisterCloseCallback) X(virConnectSetKeepAlive) \
	X(virConnectUnregisterCloseCallback) X(virDomainAttachDeviceFlags) \
	X(virDomainDetachDeviceFlags) X(virDomainFree) X(virDomainGetID) X(virDomainGetInfo) \
	X(virDomainGetName) X(virDomainGetState) X(virDomainGetUUIDString) X(virDomainGetXMLDesc) \
	X(virDomainIsActive) X(virDomainIsPersistent) X(virDomainLookupByName) X(virDomainResume) \
	X(virDomainSuspend) X(virEventRegisterImpl) X(virGetLastError) X(virGetLastErrorMessage) \
	X(virResetLastError) X(virSetErrorFunc)
#define SVFF_VIRTLIB_QEMU_FUNCS(X) X(virDomainQemuMonitorCommand)
#define SVFF_VIRTLIB_XML_FUNCS(X) \
	X(xmlDocGetRootElement) X(xmlFreeDoc) X(xmlReadMemory) X(xmlSetGenericErrorFunc)

struct svff_virtlib {
#define SVFF_VIRTLIB_MEMBER(f) __typeof__(f) *f;
	SVFF_VIRTLIB_FUNCS(SVFF_VIRTLIB_MEMBER)
	SVFF_VIRTLIB_QEMU_FUNCS(SVFF_VIRTLIB_MEMBER)
	SVFF_VIRTLIB_XML_FUNCS(SVFF_VIRTLIB_MEMBER)
#undef SVFF_VIRTLIB_MEMBER
};
extern struct svff_virtlib svff_virtlib;

/* Loads libvirt once (later calls return the first answer); until it
 * succeeds, no libvirt call may be made.  Thread-safe. */
int svff_virtlib_load(struct svff_err *err);

#ifndef SVFF_VIRTLIB_IMPL
#define virConnectClose (*svff_virtlib.virConnectClose)
#define virConnectDomainEventDeregisterAny (*svff_virtlib.virConnectDomainEventDeregisterAny)
#define virConnectDomainEventRegisterAny (*svff_virtlib.virConnectDomainEventRegisterAny)
#define virConnectListAllDomains (*svff_virtlib.virConnectListAllDomains)
#define virConnectOpen (*svff_virtlib.virConnectOpen)
#define virConnectOpenReadOnly (*svff_virtlib.virConnectOpenReadOnly)
#define virConnectRegisterCloseCallback (*svff_virtlib.virConnectRegisterCloseCallback)
#define virConnectSetKeepAlive (*svff_virtlib.virConnectSetKeepAlive)
#define virConnectUnregisterCloseCallback (*svff_virtlib.virConnectUnregisterCloseCallback)
#define virDomainAttachDeviceFlags (*svff_virtlib.virDomainAttachDeviceFlags)
#define virDomainDetachDeviceFlags (*svff_virtlib.virDomainDetachDeviceFlags)
#define virDomainFree (*svff_virtlib.virDomainFree)
#define virDomainGetID (*svff_virtlib.virDomainGetID)
#define virDomainGetInfo (*svff_virtlib.virDomainGetInfo)
#define virDomainGetName (*svff_virtlib.virDomainGetName)
#define virDomainGetState (*svff_virtlib.virDomainGetState)
#define virDomainGetUUIDString (*svff_virtlib.virDomainGetUUIDString)
#define virDomainGetXMLDesc (*svff_virtlib.virDomainGetXMLDesc)
#define virDomainIsActive (*svff_virtlib.virDomainIsActive)
#define virDomainIsPersistent (*svff_virtlib.virDomainIsPersistent)
#define virDomainLookupByName (*svff_virtlib.virDomainLookupByName)
#define virDomainResume (*svff_virtlib.virDomainResume)
#define virDomainSuspend (*svff_virtlib.virDomainSuspend)
#define virEventRegisterImpl (*svff_virtlib.virEventRegisterImpl)
#define virGetLastError (*svff_virtlib.virGetLastError)
#define virGetLastErrorMessage (*svff_virtlib.virGetLastErrorMessage)
#define virResetLastError (*svff_virtlib.virResetLastError)
#define virSetErrorFunc (*svff_virtlib.virSetErrorFunc)
#define virDomainQemuMonitorCommand (*svff_virtlib.virDomainQemuMonitorCommand)
#define xmlDocGetRootElement (*svff_virtlib.xmlDocGetRootElement)
#define xmlFreeDoc (*svff_virtlib.xmlFreeDoc)
#define xmlReadMemory (*svff_virtlib.xmlReadMemory)
#define xmlSetGenericErrorFunc (*svff_virtlib.xmlSetGenericErrorFunc)
#endif

#endif
