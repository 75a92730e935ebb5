package io.distexec.master.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST API lives under /api/v1. */
@ApplicationPath("/api/v1")
public class RestApplication extends Application {}
