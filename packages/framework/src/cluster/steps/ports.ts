/**
 * The cluster's ports. HAProxy serves DTR on 443 (on the controller unless DTR_LB_CONSTRAINTS sends it
 * elsewhere), so UCP's controller listens on 8443.
 */
export const ucpControllerPort = 8443;
export const dtrHttpsPort = 443;
export const dtrHttpPort = 80;
export const loadBalancerPort = 443;
