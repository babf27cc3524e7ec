CREATE TABLE `pipelines` (
  `id` int(11) NOT NULL AUTO_INCREMENT,
  `name` varchar(128) NOT NULL,
  `environment_id` int(11) DEFAULT NULL,
  `enabled` tinyint(1) NOT NULL DEFAULT '1',
  PRIMARY KEY (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4;
INSERT INTO `pipelines` VALUES (1,'Release to TEST',2,1),(2,'Release to PROD',3,1);
INSERT INTO `settings` VALUES ('feature.pipelines','enabled');
