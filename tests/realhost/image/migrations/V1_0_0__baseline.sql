CREATE TABLE `environments` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(64) NOT NULL,
  `platform` varchar(128) DEFAULT NULL,
  `created_on` datetime DEFAULT NULL,
  PRIMARY KEY (`id`),
  UNIQUE KEY `uk_environments_name` (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `environments` VALUES (1,'DEV','Oracle SOA Suite 12.2.1.4','2016-07-20 10:03:36'),(2,'TEST','Oracle SOA Suite 12.2.1.4','2016-07-20 10:03:36'),(3,'PROD','Oracle Service Bus 12.2.1.4','2016-07-20 10:03:36');
CREATE TABLE `users` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `username` varchar(64) NOT NULL,
  `full_name` varchar(128) DEFAULT NULL,
  `email` varchar(128) DEFAULT NULL,
  `admin` tinyint(1) NOT NULL DEFAULT '0',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `users` VALUES (1,'admin','Administrator','admin@example.com',1),(2,'jsmith','Jane Smith','jane.smith@example.com',0),(3,'obrien','Pat O\'Brien','pat.obrien@example.com',0);
CREATE TABLE `platform_blueprints` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(128) NOT NULL,
  `product` varchar(64) NOT NULL,
  `version` varchar(32) NOT NULL,
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `platform_blueprints` VALUES (1,'SOA Cluster','soa','12.2.1.4'),(2,'OSB Single Node','osb','12.2.1.4');
CREATE TABLE `settings` (
  `name` varchar(128) NOT NULL,
  `value` varchar(1024) DEFAULT NULL,
  PRIMARY KEY (`name`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `settings` VALUES ('myst.instance.name','MyST Studio'),('myst.registry','registry.example.com/rubiconred');
